import type { Request, RequestHandler, Response } from 'express';
import type {
  CacheStatus,
  ExecutionService,
  PreparedExecution,
} from '../execution/execution-service.js';
import type { Metrics } from '../metrics/metrics.js';
import type { ExecuteResponse } from '../schemas/execute-response.js';

/** Error codes of executions that never reached Piston's sandbox: shed, or Piston unreachable. */
export const NEVER_RAN: ReadonlySet<string> = new Set(['overloaded', 'upstream_unavailable']);

/** Writes a finished result to the client in the route's own format (JSON, plain text). */
export type Respond = (res: Response, result: ExecuteResponse, cache: CacheStatus) => void;

export interface ExecuteStepsDeps {
  execution: ExecutionService;
  /** Gives back the execution a request was counted for, when it never ran. */
  refund: (req: Request, res: Response) => void;
  metrics: Metrics;
  respond: Respond;
}

/**
 * The two steps of every synchronous execution route, around the execution rate limit that the
 * route puts between them: `fromCache(prepare)` prepares the request and answers a cache hit
 * (uncharged), `execute` runs the rest on Piston and refunds an execution that never ran.
 */
export interface ExecuteSteps {
  fromCache(prepare: (req: Request, res: Response) => Promise<PreparedExecution>): RequestHandler;
  execute: RequestHandler;
}

/** What the cache-lookup step hands to the execution step of the same request. */
interface Pending {
  prepared: PreparedExecution;
  started: bigint;
}

/**
 * Builds the steps `POST /api/execute` and `POST /api/run/:language` share, so both have the
 * same cache, coalescing, limits, refunds and metrics and differ only in how they read the
 * request and write the answer.
 *
 * @example router.post('/', body, steps.fromCache(prepare), limiter, steps.execute);
 */
export function createExecuteSteps(deps: ExecuteStepsDeps): ExecuteSteps {
  const pending = new WeakMap<Response, Pending>();

  function answer(res: Response, result: ExecuteResponse, cache: CacheStatus, started: bigint) {
    const labels = { language: result.language, status: result.status };
    deps.metrics.executions.inc(labels);
    // A hit ran nothing: timing it would pull the execution-time quantiles towards zero exactly
    // when the cache is doing its job, and hide how long Piston takes.
    if (cache !== 'HIT') {
      deps.metrics.executionDuration.observe(
        labels,
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    }
    deps.metrics.resultCache.inc({ result: cache.toLowerCase() });
    res.setHeader('X-Cache', cache);
    deps.respond(res, result, cache);
  }

  return {
    fromCache(prepare) {
      return async function serveFromCache(req, res, next) {
        const started = process.hrtime.bigint();
        const prepared = await prepare(req, res);
        const hit = await deps.execution.cached(prepared);
        if (hit) {
          answer(res, hit, 'HIT', started);
          return;
        }
        pending.set(res, { prepared, started });
        next();
      };
    },
    async execute(req, res) {
      const { prepared, started } = pending.get(res) as Pending;
      // Stop waiting if the client goes away before the answer is ready, including while the
      // steps above were waiting (then nothing is started at all). A queued execution leaves the
      // queue; one already at Piston runs on and keeps its slot, since Piston cannot cancel it.
      const controller = new AbortController();
      if (res.closed) controller.abort();
      res.on('close', () => {
        if (!res.writableFinished) controller.abort();
      });
      // Only once the answer is sent: a client that hangs up is charged, or hanging up early
      // would be a way to run code for free.
      res.once('finish', () => {
        if (NEVER_RAN.has(res.locals.errorCode as string)) deps.refund(req, res);
      });
      const outcome = await deps.execution.run(prepared, controller.signal);
      answer(res, outcome.result, outcome.cache, started);
    },
  };
}
