// 1,000 async Judge0 submissions through the BullMQ queue (accepted/s, time to the last callback)
// against the same 1,000 programs sent synchronously to POST /api/execute, on one gateway with
// Redis and a fake Piston answering in 50 ms.
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakePistonProcess, startGatewayProcess } from './processes.js';
import { startRedis } from './scale.js';
import type { BenchSection } from './section.js';
import { spread, tableHead, tableRow } from './stats.js';
import type { Target } from './targets.js';

const SUBMISSIONS = 1000;
/** Within the gateway's default concurrency plus queue (8 + 32), so sync requests are not shed. */
const CONNECTIONS = 32;
const PISTON_DELAY_MS = 50;

/** One round's measurements (milliseconds from the first request). */
export interface SubmissionsRound {
  acceptedMs: number;
  lastCallbackMs: number;
  syncMs: number;
  failedAsync: number;
  failedSync: number;
}

/** Sends `count` requests from `CONNECTIONS` loops; resolves with the failures. */
async function pool(count: number, send: (i: number) => Promise<boolean>): Promise<number> {
  let next = 0;
  let failed = 0;
  const loop = async () => {
    while (next < count) {
      const i = next++;
      if (!(await send(i).catch(() => false))) failed += 1;
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, loop));
  return failed;
}

const post = (url: string, body: unknown) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** A receiver that counts callbacks and says when `expected` have arrived. */
async function startReceiver() {
  let count = 0;
  let onCount: (() => void) | undefined;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      count += 1;
      res.writeHead(204).end();
      onCount?.();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    reset: () => (count = 0),
    until: (expected: number) =>
      new Promise<void>((resolve) => {
        onCount = () => {
          if (count >= expected) resolve();
        };
        onCount();
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function round(
  gateway: string,
  receiver: Awaited<ReturnType<typeof startReceiver>>,
  n: number,
) {
  receiver.reset();
  const program = (i: number) => `print(${n * SUBMISSIONS + i})`;
  const started = performance.now();
  const failedAsync = await pool(SUBMISSIONS, async (i) => {
    const res = await post(`${gateway}/judge0/submissions`, {
      source_code: program(i),
      language_id: 71,
      callback_url: receiver.url,
    });
    await res.arrayBuffer();
    return res.status === 201;
  });
  const acceptedMs = performance.now() - started;
  // Every accepted submission calls back once (a refused one never will).
  await receiver.until(SUBMISSIONS - failedAsync);
  const lastCallbackMs = performance.now() - started;
  const syncStarted = performance.now();
  const failedSync = await pool(SUBMISSIONS, async (i) => {
    const res = await post(`${gateway}/api/execute`, {
      language: 'python',
      code: `${program(i)} # sync`,
    });
    await res.arrayBuffer();
    return res.status === 200;
  });
  return {
    acceptedMs,
    lastCallbackMs,
    syncMs: performance.now() - syncStarted,
    failedAsync,
    failedSync,
  };
}

/** The section's targets: every submission accepted and called back, every sync run answered. */
export function submissionsTargets(rounds: readonly SubmissionsRound[]): Target[] {
  return [
    {
      section: 'submissions',
      name: 'failed requests (async and sync)',
      kind: 'max',
      bound: 0,
      digits: 0,
      aggregate: 'total',
      values: rounds.map((r) => r.failedAsync + r.failedSync),
    },
  ];
}

function printRounds(rounds: readonly SubmissionsRound[]): void {
  const of = (pick: (r: SubmissionsRound) => number, digits = 0) =>
    spread(rounds.map(pick), digits);
  console.log(tableHead(['way', 'accepted/s', 'time to last result (s)', 'results/s', 'failed']));
  console.log(
    tableRow([
      'async: POST /judge0/submissions + callback',
      of((r) => SUBMISSIONS / (r.acceptedMs / 1000)),
      of((r) => r.lastCallbackMs / 1000, 2),
      of((r) => SUBMISSIONS / (r.lastCallbackMs / 1000)),
      rounds.reduce((n, r) => n + r.failedAsync, 0),
    ]),
  );
  console.log(
    tableRow([
      'sync: POST /api/execute',
      '',
      of((r) => r.syncMs / 1000, 2),
      of((r) => SUBMISSIONS / (r.syncMs / 1000)),
      rounds.reduce((n, r) => n + r.failedSync, 0),
    ]),
  );
}

/** 1,000 async submissions through the queue against the same work sent synchronously. */
export const submissionsSection: BenchSection = {
  name: 'submissions',
  async run({ rounds: count, nodeFlags }) {
    console.log(
      `\n## ${SUBMISSIONS} submissions, async through BullMQ vs sync (${PISTON_DELAY_MS} ms Piston, ${CONNECTIONS} connections, Redis): ${count} rounds; median (range)\n`,
    );
    if (spawnSync('redis-server', ['--version']).status !== 0) {
      console.log('Skipped: no redis-server on PATH.');
      return [];
    }
    const redis = await startRedis();
    const piston = await startFakePistonProcess(PISTON_DELAY_MS);
    const receiver = await startReceiver();
    const gateway = await startGatewayProcess(
      piston.url,
      {
        REDIS_URL: redis.url,
        WEBHOOK_ALLOW_PRIVATE: 'true',
        MAX_SUBMISSION_QUEUE: String(SUBMISSIONS * 2),
        RESULT_CACHE_TTL_MS: '0',
      },
      nodeFlags,
    );
    try {
      const rounds: SubmissionsRound[] = [];
      for (let i = 0; i < count; i += 1) rounds.push(await round(gateway.url, receiver, i));
      printRounds(rounds);
      return submissionsTargets(rounds);
    } finally {
      await gateway.stop();
      await piston.stop();
      await receiver.close();
      redis.process.kill('SIGTERM');
    }
  },
};
