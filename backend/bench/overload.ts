// Load shedding: a Piston with a fixed capacity offered three times that, through the gateway
// with its concurrency limit on (every round) and off (once, the same-run baseline).
import { runOpenLoop, type OpenLoopResult } from './open-loop.js';
import { startFakePistonProcess, startGatewayProcess } from './processes.js';
import type { BenchSection } from './section.js';
import { fmt, tableHead, tableRow } from './stats.js';
import type { Target } from './targets.js';

// A Piston that, like the real one, runs at most K jobs at once for a fixed time and queues the
// rest without bound; offered 3x its capacity at a constant arrival rate.
const JOBS = 4;
const JOB_MS = 50;
const CAPACITY = (JOBS * 1000) / JOB_MS;
const OFFERED = 3 * CAPACITY;
const QUEUE_TIMEOUT_MS = 1000;
/** The longest a success may take with the limit on: the queue wait, then one job. */
const TIMELY_MS = QUEUE_TIMEOUT_MS + JOB_MS;

const LIMIT_ON = {
  MAX_CONCURRENT_EXECUTIONS: String(JOBS),
  MAX_QUEUE_SIZE: '64',
  QUEUE_TIMEOUT_MS: String(QUEUE_TIMEOUT_MS),
};
const LIMIT_OFF = { MAX_CONCURRENT_EXECUTIONS: '100000', MAX_QUEUE_SIZE: '0' };

async function once(
  env: Record<string, string>,
  durationS: number,
  nodeFlags?: readonly string[],
): Promise<OpenLoopResult> {
  const piston = await startFakePistonProcess(JOB_MS, JOBS);
  const gateway = await startGatewayProcess(piston.url, env, nodeFlags);
  let n = 0;
  try {
    return await runOpenLoop({
      url: `${gateway.url}/api/execute`,
      // Distinct programs, so nothing is coalesced: every request is real work for Piston.
      body: () => ({ language: 'python', code: `print(${++n})` }),
      perSecond: OFFERED,
      durationSeconds: durationS,
      timelyMs: TIMELY_MS,
    });
  } finally {
    await gateway.stop();
    await piston.stop();
  }
}

function printRun(name: string, r: OpenLoopResult): void {
  console.log(
    tableRow([
      name,
      fmt(r.ok.perSecond, 1),
      fmt(r.ok.p50Ms, 1),
      fmt(r.ok.p99Ms, 1),
      fmt(r.timely.perSecond, 1),
      r.overloaded.count,
      fmt(r.overloaded.p99Ms, 1),
      r.upstreamTimeouts,
      r.otherFailures,
    ]),
  );
}

/** The section's targets from the limit-on rounds and the limit-off baseline. */
export function overloadTargets(on: readonly OpenLoopResult[], off: OpenLoopResult): Target[] {
  const section = 'overload';
  const per = (pick: (r: OpenLoopResult) => number) => on.map(pick);
  return [
    {
      section,
      name: "limit on: successful req/s, against the fake Piston's capacity",
      kind: 'min',
      bound: 0.9 * CAPACITY,
      unit: '/s',
      digits: 1,
      values: per((r) => r.ok.perSecond),
    },
    {
      // Without the limit every job still ends (Piston's queue has no bound, and a job runs to
      // its answer), only far too late: what the limit buys is answers in time.
      section,
      name: `limit on: successes within ${TIMELY_MS} ms /s over limit off's (same run)`,
      kind: 'min',
      bound: 1,
      digits: 2,
      values: per((r) => r.timely.perSecond / off.timely.perSecond),
    },
    {
      section,
      name: 'limit on: success p99, against QUEUE_TIMEOUT_MS + one job',
      kind: 'max',
      bound: TIMELY_MS,
      unit: 'ms',
      digits: 1,
      values: per((r) => r.ok.p99Ms),
    },
    {
      section,
      name: 'limit on: p99 of the 503s (no same-run baseline)',
      kind: 'max',
      bound: 10,
      unit: 'ms',
      digits: 1,
      values: per((r) => r.overloaded.p99Ms),
    },
    {
      section,
      name: 'limit on: upstream timeouts and other failures',
      kind: 'max',
      bound: 0,
      digits: 0,
      aggregate: 'total',
      values: per((r) => r.upstreamTimeouts + r.otherFailures),
    },
  ];
}

/** The overload comparison: limit on in every round, limit off once as the baseline. */
export const overloadSection: BenchSection = {
  name: 'overload',
  async run({ rounds, overloadS, nodeFlags }) {
    console.log(
      `\n## Overload: Piston runs ${JOBS} jobs of ${JOB_MS} ms at once (capacity ${CAPACITY}/s), offered ${OFFERED}/s for ${overloadS} s; limit on ${rounds} times, then off once\n`,
    );
    console.log(
      tableHead([
        'gateway',
        'successful req/s',
        'success p50 ms',
        'success p99 ms',
        `successes within ${TIMELY_MS} ms /s`,
        '503s',
        '503 p99 ms',
        'upstream timeouts',
        'other failures',
      ]),
    );
    const on: OpenLoopResult[] = [];
    for (let i = 0; i < rounds; i += 1) {
      const r = await once(LIMIT_ON, overloadS, nodeFlags);
      on.push(r);
      printRun(`limit on (${JOBS} in flight, queue 64, ${QUEUE_TIMEOUT_MS} ms), round ${i + 1}`, r);
    }
    const off = await once(LIMIT_OFF, overloadS, nodeFlags);
    printRun('limit off', off);
    return overloadTargets(on, off);
  },
};
