// Result cache hits at 64 connections, against the same gateway's GET /health in the same round.
import { runLoad, type LoadResult } from './load.js';
import { startFakePistonProcess, startGatewayProcess } from './processes.js';
import type { BenchSection } from './section.js';
import { spread, tableHead, tableRow } from './stats.js';
import type { Target } from './targets.js';

const HELLO = { language: 'python', code: 'print("Hello, World!")' };

/** One round: hits, then /health. */
export interface CacheRound {
  hits: LoadResult;
  health: LoadResult;
}

/** The section's targets from its rounds. */
export function cacheTargets(rounds: readonly CacheRound[]): Target[] {
  return [
    {
      section: 'cache',
      name: 'hits req/s as a share of GET /health (same gateway, same round)',
      kind: 'min',
      bound: 0.8,
      digits: 3,
      values: rounds.map((r) => r.hits.requestsPerSecond / r.health.requestsPerSecond),
    },
    {
      section: 'cache',
      name: 'failed requests',
      kind: 'max',
      bound: 0,
      digits: 0,
      aggregate: 'total',
      values: rounds.map((r) => r.hits.failed + r.health.failed),
    },
  ];
}

function printRounds(rounds: readonly CacheRound[]): void {
  const of = (pick: (r: CacheRound) => number, digits = 2) => spread(rounds.map(pick), digits);
  const failed = (pick: (r: CacheRound) => LoadResult) =>
    rounds.reduce((n, r) => n + pick(r).failed, 0);
  console.log(tableHead(['request', 'req/s', 'p50 ms', 'p99 ms', 'share of /health', 'failed']));
  console.log(
    tableRow([
      'GET /health',
      of((r) => r.health.requestsPerSecond, 0),
      of((r) => r.health.p50Ms),
      of((r) => r.health.p99Ms),
      1,
      failed((r) => r.health),
    ]),
  );
  console.log(
    tableRow([
      'POST /api/execute (HIT)',
      of((r) => r.hits.requestsPerSecond, 0),
      of((r) => r.hits.p50Ms),
      of((r) => r.hits.p99Ms),
      of((r) => r.hits.requestsPerSecond / r.health.requestsPerSecond, 3),
      failed((r) => r.hits),
    ]),
  );
}

/** Cache hits side by side with /health, alternating, on one gateway with the result cache on. */
export const cacheSection: BenchSection = {
  name: 'cache',
  async run({ rounds: count, durationS, warmupS, nodeFlags }) {
    const piston = await startFakePistonProcess(50);
    const gateway = await startGatewayProcess(
      piston.url,
      { RESULT_CACHE_TTL_MS: '600000' },
      nodeFlags,
    );
    try {
      await fetch(`${gateway.url}/api/execute`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(HELLO),
      });
      const hits = { url: `${gateway.url}/api/execute`, method: 'POST' as const, body: HELLO };
      const health = { url: `${gateway.url}/health` };
      for (const side of [hits, health]) {
        await runLoad({ ...side, connections: 64, durationSeconds: warmupS });
      }
      console.log(
        `\n## Result cache hits at 64 connections: ${count} alternating rounds of ${durationS} s; median (range)\n`,
      );
      const rounds: CacheRound[] = [];
      for (let i = 0; i < count; i += 1) {
        rounds.push({
          hits: await runLoad({ ...hits, connections: 64, durationSeconds: durationS }),
          health: await runLoad({ ...health, connections: 64, durationSeconds: durationS }),
        });
      }
      printRounds(rounds);
      return cacheTargets(rounds);
    } finally {
      await gateway.stop();
      await piston.stop();
    }
  },
};
