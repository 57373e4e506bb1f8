// Throughput through two instances sharing a Redis, against one instance in memory, alternating.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { waitFor } from '../test/support/wait-for.js';
import { runLoad, type LoadResult } from './load.js';
import { freePort, startFakePistonProcess, startGatewayProcess, type Child } from './processes.js';
import type { BenchSection } from './section.js';
import { spread, tableHead, tableRow } from './stats.js';
import type { Target } from './targets.js';

// cache: false keeps every request a real execution (no coalescing of identical bodies), and the
// concurrency limit (measured by the overload section) must not be the bottleneck here.
const BODY = { language: 'python', code: 'print("Hello, World!")', cache: false };
const UNLIMITED = { MAX_CONCURRENT_EXECUTIONS: '1024', MAX_QUEUE_SIZE: '1024' };

/** One round: one instance in memory at 64 connections, then two on Redis at 32 each. */
export interface ScaleRound {
  one: LoadResult;
  two: [LoadResult, LoadResult];
}

const twoPerSecond = (r: ScaleRound) => r.two[0].requestsPerSecond + r.two[1].requestsPerSecond;

/**
 * The section's target. Two instances over one are reported, not judged: on a 2-vCPU machine the
 * load, the fake Piston, Redis and both gateways share the cores, so the Redis mode's worth is
 * correctness across instances (backend/test/integration/redis.test.ts), not speed here.
 */
export function scaleTargets(rounds: readonly ScaleRound[]): Target[] {
  return [
    {
      section: 'scale',
      name: 'failed requests, one instance and two on Redis',
      kind: 'max',
      bound: 0,
      digits: 0,
      aggregate: 'total',
      values: rounds.map((r) => r.one.failed + r.two[0].failed + r.two[1].failed),
    },
  ];
}

function printRounds(rounds: readonly ScaleRound[]): void {
  const of = (pick: (r: ScaleRound) => number, digits = 2) => spread(rounds.map(pick), digits);
  console.log(tableHead(['setup', 'req/s', 'p50 ms', 'p99 ms', 'share of one instance', 'failed']));
  console.log(
    tableRow([
      'one instance, in memory',
      of((r) => r.one.requestsPerSecond, 0),
      of((r) => r.one.p50Ms),
      of((r) => r.one.p99Ms),
      1,
      rounds.reduce((n, r) => n + r.one.failed, 0),
    ]),
  );
  console.log(
    tableRow([
      'two instances, shared Redis',
      of(twoPerSecond, 0),
      `${of((r) => r.two[0].p50Ms)} / ${of((r) => r.two[1].p50Ms)}`,
      `${of((r) => r.two[0].p99Ms)} / ${of((r) => r.two[1].p99Ms)}`,
      of((r) => twoPerSecond(r) / r.one.requestsPerSecond, 3),
      rounds.reduce((n, r) => n + r.two[0].failed + r.two[1].failed, 0),
    ]),
  );
}

/** Starts a throwaway redis-server on a free port (no persistence). */
export async function startRedis(): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  const redis = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', ''],
    {
      stdio: 'ignore',
    },
  );
  const accepts = () =>
    new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
  await waitFor(accepts, { timeoutMs: 5000, message: 'redis-server did not start' });
  return { url: `redis://127.0.0.1:${port}`, process: redis };
}

/** One gateway in memory against two sharing a Redis, 64 connections in all, alternating. */
export const scaleSection: BenchSection = {
  name: 'scale',
  async run({ rounds: count, durationS, warmupS, nodeFlags }) {
    console.log(
      `\n## Two instances on Redis (0 ms Piston, 64 connections in all): ${count} alternating rounds of ${durationS} s; median (range)\n`,
    );
    if (spawnSync('redis-server', ['--version']).status !== 0) {
      console.log('Skipped: no redis-server on PATH.');
      return [];
    }
    const redis = await startRedis();
    const children: Child[] = [];
    try {
      const piston = await startFakePistonProcess(0);
      children.push(piston);
      const single = await startGatewayProcess(piston.url, UNLIMITED, nodeFlags);
      children.push(single);
      const env = { ...UNLIMITED, REDIS_URL: redis.url };
      const pair = [
        await startGatewayProcess(piston.url, env, nodeFlags),
        await startGatewayProcess(piston.url, env, nodeFlags),
      ];
      children.push(...pair);
      const load = (gateway: Child, connections: number, durationSeconds: number) =>
        runLoad({
          url: `${gateway.url}/api/execute`,
          method: 'POST',
          body: BODY,
          connections,
          durationSeconds,
        });
      const round = async (seconds: number): Promise<ScaleRound> => {
        const one = await load(single, 64, seconds);
        const [a, b] = await Promise.all(pair.map((g) => load(g, 32, seconds)));
        return { one, two: [a!, b!] };
      };
      await round(warmupS);
      const rounds: ScaleRound[] = [];
      for (let i = 0; i < count; i += 1) rounds.push(await round(durationS));
      printRounds(rounds);
      return scaleTargets(rounds);
    } finally {
      for (const child of children.reverse()) await child.stop();
      redis.process.kill('SIGTERM');
    }
  },
};
