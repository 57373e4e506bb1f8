import { AppError } from '../errors.js';
import type {
  CacheStatus,
  ExecutionService,
  PreparedExecution,
} from '../execution/execution-service.js';
import type { ExecuteRequest } from '../schemas/execute-request.js';
import type { ExecuteResponse } from '../schemas/execute-response.js';
import type { ExecuteBody, TestsResponse } from '../schemas/verdicts.js';
import { judgeTests, type TestsOptions } from './judge.js';
import type { RequestPool } from './request-pool.js';

/** Error codes of executions that never reached Piston's sandbox: shed, or Piston unreachable. */
const NEVER_RAN = new Set(['overloaded', 'upstream_unavailable']);

/** Whether an execution that failed with `error` never ran (and is not charged). */
export function neverRan(error: unknown): boolean {
  return error instanceof AppError && NEVER_RAN.has(error.code);
}

/** A validated body resolved into its executions, with the finished results already cached. */
export interface RunPlan {
  /** One execution, or one per test. */
  prepared: PreparedExecution[];
  /** The result cache's answer for each execution, where it had one. */
  hits: (ExecuteResponse | undefined)[];
  tests?: TestsOptions;
}

/** What running a plan gave: the answer, or the error of the run, and what was not run. */
export type RunOutcome =
  | { ok: true; body: ExecuteResponse | TestsResponse; cache: CacheStatus; notRun: number }
  | { ok: false; error: unknown; notRun: number };

/**
 * Called once per execution's result (metrics), whether it came from Piston or the cache, with
 * the `process.hrtime.bigint()` its execution started at.
 */
export type RecordResult = (result: ExecuteResponse, cache: CacheStatus, started: bigint) => void;

/** A body's request for one execution, and how its tests (if any) are judged. */
export function splitBody(body: ExecuteBody): { request: ExecuteRequest; tests?: TestsOptions } {
  const { tests, compare, tolerance, reveal, ...request } = body;
  if (!tests) return { request };
  return {
    request,
    tests: { tests, compare: compare ?? 'lines', tolerance, reveal: reveal ?? true },
  };
}

/** What running a plan uses besides the plan. */
export interface RunContext {
  record: RecordResult;
  /** Bounds the executions of the whole request (all runs of a batch) in flight at once. */
  pool: RequestPool;
  /** Aborts when the client goes away: queued executions leave the queue. */
  signal?: AbortSignal;
}

/**
 * Prepares a body's executions and looks each up in the result cache. A test's `stdin` and
 * `args` replace the request's; without them the test gets the request's.
 */
export async function planRun(execution: ExecutionService, body: ExecuteBody): Promise<RunPlan> {
  const { request, tests: options } = splitBody(body);
  const tests = options?.tests;
  const requests = tests
    ? tests.map((test) => ({
        ...request,
        stdin: test.stdin ?? request.stdin,
        args: test.args ?? request.args,
      }))
    : [request];
  const prepared: PreparedExecution[] = [];
  // One after the other: the first prepare resolves the runtime, the others find it cached.
  for (const one of requests) prepared.push(await execution.prepare(one));
  const hits = await Promise.all(prepared.map((one) => execution.cached(one)));
  return { prepared, hits, ...(options ? { tests: options } : {}) };
}

/**
 * The executions a plan will charge: every one the cache cannot answer, none when the cache
 * already knows the program does not compile (the others are then not run).
 */
export function executionsToCharge(plan: RunPlan): number {
  if (plan.tests && plan.hits[0]?.status === 'compile_error') return 0;
  return plan.hits.filter((hit) => hit === undefined).length;
}

/**
 * Runs a plan: a plain request's one execution, or the tests (the first alone, then the rest
 * concurrently within the gateway's concurrency limit, or none when the first did not compile).
 */
export async function runPlan(
  execution: ExecutionService,
  plan: RunPlan,
  context: RunContext,
): Promise<RunOutcome> {
  const { record, pool, signal } = context;
  const charged = executionsToCharge(plan);
  const one = async (index: number) => {
    const hit = plan.hits[index];
    const started = process.hrtime.bigint();
    const outcome = hit
      ? { result: hit, cache: 'HIT' as const }
      : await pool.run(() => execution.run(plan.prepared[index] as PreparedExecution, signal));
    record(outcome.result, outcome.cache, started);
    return outcome;
  };
  let first;
  try {
    first = await one(0);
  } catch (error) {
    return { ok: false, error, notRun: neverRan(error) ? charged : charged - 1 };
  }
  if (!plan.tests) return { ok: true, body: first.result, cache: first.cache, notRun: 0 };
  if (first.result.status === 'compile_error') {
    const ran = first.cache === 'HIT' ? 0 : 1;
    const body = judgeTests([first.result], plan.tests);
    return { ok: true, body, cache: first.cache, notRun: charged - ran };
  }
  const rest = await Promise.allSettled(plan.prepared.slice(1).map((_p, i) => one(i + 1)));
  const failure = rest.find((settled) => settled.status === 'rejected');
  if (failure) {
    const notRun = rest.filter((s) => s.status === 'rejected' && neverRan(s.reason)).length;
    return { ok: false, error: failure.reason, notRun };
  }
  const outcomes = [first, ...rest.map((s) => (s as PromiseFulfilledResult<typeof first>).value)];
  const cache = outcomes.every((outcome) => outcome.cache === 'HIT') ? 'HIT' : 'MISS';
  return {
    ok: true,
    body: judgeTests(
      outcomes.map((outcome) => outcome.result),
      plan.tests,
    ),
    cache,
    notRun: 0,
  };
}
