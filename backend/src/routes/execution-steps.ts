import type { Request, RequestHandler, Response } from 'express';
import type {
  CacheStatus,
  ExecutionOutcome,
  ExecutionService,
  PreparedExecution,
} from '../execution/execution-service.js';
import { mapPistonResult } from '../execution/map-result.js';
import type { Metrics } from '../metrics/metrics.js';
import type { RecordResult } from '../verdicts/run-plan.js';

/** What every route that runs one execution shares: the service, the limit and the metrics. */
export interface ExecutionStepsDeps {
  execution: ExecutionService;
  /** Per-client limit on executions; answers from the result cache do not count. */
  limiter: RequestHandler;
  /** Gives back the execution a request was counted for, when it never ran. */
  refund: (req: Request, res: Response) => void;
  metrics: Metrics;
}

/** How one API reads its request and writes its answer; the steps between are shared. */
export interface ExecutionStepsOptions {
  /** Validates the request (or recalls a body seen before) and prepares the execution. */
  prepare(req: Request, res: Response): Promise<PreparedExecution>;
  /** Sends the 200 answer in the API's own shape. */
  send(res: Response, outcome: ExecutionOutcome): void;
}

/** Error codes of executions that never reached Piston's sandbox: shed, or Piston unreachable. */
export const NEVER_RAN: ReadonlySet<string> = new Set(['overloaded', 'upstream_unavailable']);

/** An AbortController aborted when the client goes away before its answer is sent. */
export function abortOnClose(res: Response): AbortController {
  const controller = new AbortController();
  if (res.closed) controller.abort();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller;
}

/**
 * Gives the execution back once the answer is sent, when it never reached Piston (shed, or Piston
 * unreachable). Only then: a client that hangs up is charged, or hanging up early would be a way
 * to run code for free.
 */
export function refundIfNeverRan(
  req: Request,
  res: Response,
  refund: (req: Request, res: Response) => void,
): void {
  res.once('finish', () => {
    if (NEVER_RAN.has(res.locals.errorCode as string)) refund(req, res);
  });
}

/** Counts each execution's result in the metrics (a request with tests or a batch has several). */
export function createExecutionRecorder(metrics: Metrics): RecordResult {
  return function recordExecution(result, cache, started) {
    const labels = { language: result.language, status: result.status };
    metrics.executions.inc(labels);
    // A hit ran nothing: timing it would pull the execution-time quantiles towards zero exactly
    // when the cache is doing its job, and hide how long Piston takes.
    if (cache !== 'HIT') {
      metrics.executionDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    }
    metrics.resultCache.inc({ result: cache.toLowerCase() });
  };
}

/** What the cache-lookup step hands to the execution step of the same request. */
interface Pending {
  prepared: PreparedExecution;
  started: bigint;
}

/**
 * The handlers that run one execution, after the body is read: prepare, answer from the result
 * cache when it can, else count the execution against the client's limit, run it on Piston (the
 * concurrency limit, queue and coalescing) and answer. Metrics and `X-Cache` are the same for
 * every API that uses them (`POST /api/execute`, the Piston-compatible `POST /api/v2/execute`).
 *
 * @example router.post('/', requireJson(), jsonBody({ limit }), ...executionSteps(deps, options));
 */
export function executionSteps(
  deps: ExecutionStepsDeps,
  options: ExecutionStepsOptions,
): RequestHandler[] {
  const pending = new WeakMap<Response, Pending>();
  const record = createExecutionRecorder(deps.metrics);

  function answer(res: Response, outcome: ExecutionOutcome, started: bigint) {
    record(outcome.result, outcome.cache, started);
    res.setHeader('X-Cache', outcome.cache);
    options.send(res, outcome);
  }

  return [
    async function serveFromCache(req, res, next) {
      const started = process.hrtime.bigint();
      const prepared = await options.prepare(req, res);
      const hit = await deps.execution.cachedAnswer(prepared);
      if (hit) {
        const cache: CacheStatus = 'HIT';
        answer(res, { result: mapPistonResult(hit), piston: hit, cache }, started);
        return;
      }
      pending.set(res, { prepared, started });
      next();
    },
    deps.limiter,
    async function execute(req, res) {
      const { prepared, started } = pending.get(res) as Pending;
      // Stop waiting if the client goes away before the answer is ready, including while the
      // steps above were waiting (then nothing is started at all). A queued execution leaves the
      // queue; one already at Piston runs on and keeps its slot, since Piston cannot cancel it.
      const controller = abortOnClose(res);
      refundIfNeverRan(req, res, deps.refund);
      const outcome = await deps.execution.run(prepared, controller.signal);
      answer(res, outcome, started);
    },
  ];
}
