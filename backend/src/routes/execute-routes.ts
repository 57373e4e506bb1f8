import { Router, type RequestHandler } from 'express';
import type { ExecutionService } from '../execution/execution-service.js';
import type { Metrics } from '../metrics/metrics.js';
import { jsonBody } from '../middleware/json-body.js';
import { requireJson } from '../middleware/require-json.js';
import { validate } from '../middleware/validate.js';
import { ExecuteRequestSchema } from '../schemas/execute-request.js';

export interface ExecuteRouterDeps {
  execution: ExecutionService;
  /** Per-client limit on executions, applied before the body is read. */
  limiter: RequestHandler;
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
  metrics: Metrics;
}

/** `POST /api/execute`: validate, run on Piston, answer with the mapped result. */
export function createExecuteRouter(deps: ExecuteRouterDeps): Router {
  const router = Router();
  const validateExecute = validate({ body: ExecuteRequestSchema });

  router.post(
    '/',
    deps.limiter,
    requireJson(),
    jsonBody({ limit: deps.bodyLimit }),
    validateExecute,
    async (_req, res) => {
      // Stop the upstream call if the client goes away before the answer is ready.
      const controller = new AbortController();
      res.on('close', () => {
        if (!res.writableFinished) controller.abort();
      });
      const started = process.hrtime.bigint();
      const outcome = await deps.execution.execute(validateExecute.body(res), controller.signal);
      const labels = { language: outcome.result.language, status: outcome.result.status };
      deps.metrics.executions.inc(labels);
      deps.metrics.executionDuration.observe(
        labels,
        Number(process.hrtime.bigint() - started) / 1e9,
      );
      deps.metrics.resultCache.inc({ result: outcome.cache.toLowerCase() });
      res.setHeader('X-Cache', outcome.cache);
      res.json(outcome.result);
    },
  );

  return router;
}
