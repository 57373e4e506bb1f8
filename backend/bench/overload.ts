import { runOpenLoop, type OpenLoopResult } from './open-loop.js';
import { startFakePistonProcess, startGatewayProcess } from './processes.js';

// A Piston that, like the real one, runs at most K jobs at once for a fixed time and queues the
// rest without bound; offered 3x its capacity at a constant arrival rate.
const JOBS = 4;
const JOB_MS = 50;
const CAPACITY = (JOBS * 1000) / JOB_MS;
const OFFERED = 3 * CAPACITY;
const DURATION_S = Number(process.env.BENCH_OVERLOAD_S ?? '30');
const QUEUE_TIMEOUT_MS = 1000;

const LIMIT_ON = {
  MAX_CONCURRENT_EXECUTIONS: String(JOBS),
  MAX_QUEUE_SIZE: '64',
  QUEUE_TIMEOUT_MS: String(QUEUE_TIMEOUT_MS),
};
const LIMIT_OFF = { MAX_CONCURRENT_EXECUTIONS: '100000', MAX_QUEUE_SIZE: '0' };

async function once(env: Record<string, string>): Promise<OpenLoopResult> {
  const piston = await startFakePistonProcess(JOB_MS, JOBS);
  const gateway = await startGatewayProcess(piston.url, env);
  let n = 0;
  try {
    return await runOpenLoop({
      url: `${gateway.url}/api/execute`,
      // Distinct programs, so nothing is coalesced: every request is real work for Piston.
      body: () => ({ language: 'python', code: `print(${++n})` }),
      perSecond: OFFERED,
      durationSeconds: DURATION_S,
    });
  } finally {
    await gateway.stop();
    await piston.stop();
  }
}

const f = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');

/** Runs the overload comparison (limit on, limit off) and prints its table. */
export async function benchOverload(): Promise<void> {
  console.log(
    `\n## Overload: Piston runs ${JOBS} jobs of ${JOB_MS} ms at once (capacity ${CAPACITY}/s), offered ${OFFERED}/s for ${DURATION_S}s\n`,
  );
  console.log(
    '| gateway | successful req/s | success p50 ms | success p99 ms | 503s | 503 p99 ms | upstream timeouts | other failures |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const [name, env] of [
    [`limit on (${JOBS} in flight, queue 64, ${QUEUE_TIMEOUT_MS} ms)`, LIMIT_ON],
    ['limit off', LIMIT_OFF],
  ] as const) {
    const r = await once(env);
    console.log(
      `| ${name} | ${f(r.ok.perSecond)} | ${f(r.ok.p50Ms)} | ${f(r.ok.p99Ms)} | ${r.overloaded.count} | ${f(r.overloaded.p99Ms)} | ${r.upstreamTimeouts} | ${r.otherFailures} |`,
    );
  }
}
