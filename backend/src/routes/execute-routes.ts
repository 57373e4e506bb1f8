import type { Request, RequestHandler, Response, Router } from 'express';
import type {
  CacheStatus,
  ExecutionService,
  PreparedExecution,
} from '../execution/execution-service.js';
import type { Metrics } from '../metrics/metrics.js';
import { getJsonText, jsonBody } from '../middleware/json-body.js';
import { methodNotAllowed } from '../middleware/method-not-allowed.js';
import { requireJson } from '../middleware/require-json.js';
import { parseBody } from '../middleware/validate.js';
import type { ChargeOutcome } from '../middleware/rate-limit.js';
import type { ExecuteResponse } from '../schemas/execute-response.js';
import { createExecuteBodySchema } from '../schemas/verdicts.js';
import { splitBody, type RecordResult } from '../verdicts/run-plan.js';
import { abortOnClose, createTestsHandler } from '../verdicts/tests-handler.js';
import { createRouter } from './create-router.js';

export interface ExecuteRouterDeps {
  execution: ExecutionService;
  /** Per-client limit on executions; answers from the result cache do not count. */
  limiter: RequestHandler;
  /** Gives back the execution a request was counted for, when it never ran. */
  refund: (req: Request, res: Response, count?: number) => void;
  /** Counts several executions at once (a request with tests), all or none. */
  charge: (req: Request, res: Response, count: number) => Promise<ChargeOutcome>;
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
  /** Most test cases in one request (MAX_TESTS). */
  maxTests: number;
  /** Most executions of one request in flight at once (MAX_CONCURRENT_EXECUTIONS). */
  parallelism: number;
  metrics: Metrics;
}

/** Error codes of executions that never reached Piston's sandbox: shed, or Piston unreachable. */
const NEVER_RAN = new Set(['overloaded', 'upstream_unavailable']);

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
 * `POST /api/execute`: validate, answer from the result cache when it can, else count the
 * execution against the client's limit, run it on Piston and answer with the mapped result.
 */
export function createExecuteRouter(deps: ExecuteRouterDeps): Router {
  const router = createRouter();
  const pending = new WeakMap<Response, Pending>();
  const bodySchema = createExecuteBodySchema(deps.maxTests);
  const record = createExecutionRecorder(deps.metrics);
  const serveTests = createTestsHandler({ ...deps, record });

  function answer(res: Response, result: ExecuteResponse, cache: CacheStatus, started: bigint) {
    record(result, cache, started);
    res.setHeader('X-Cache', cache);
    res.json(result);
  }

  router.post(
    '/',
    requireJson(),
    jsonBody({ limit: deps.bodyLimit }),
    async function serveFromCache(req, res, next) {
      const started = process.hrtime.bigint();
      // A body seen before (the same snippet for every visitor) skips validation and preparing.
      const text = getJsonText(res);
      let prepared = text !== undefined ? await deps.execution.recall(text) : undefined;
      if (!prepared) {
        const body = parseBody(bodySchema, req.body);
        // Test cases are several executions, charged and run by their own handler.
        if (body.tests) {
          await serveTests(req, res, body);
          return;
        }
        prepared = await deps.execution.prepare(splitBody(body).request, text);
      }
      const hit = await deps.execution.cached(prepared);
      if (hit) {
        answer(res, hit, 'HIT', started);
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
      // Only once the answer is sent: a client that hangs up is charged, or hanging up early
      // would be a way to run code for free.
      res.once('finish', () => {
        if (NEVER_RAN.has(res.locals.errorCode as string)) deps.refund(req, res);
      });
      const outcome = await deps.execution.run(prepared, controller.signal);
      answer(res, outcome.result, outcome.cache, started);
    },
  );

  router.all('/', methodNotAllowed('POST'));

  return router;
}
