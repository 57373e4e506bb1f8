import type { Request, RequestHandler, Response, Router } from 'express';
import type { ExecutionService } from '../execution/execution-service.js';
import type { Metrics } from '../metrics/metrics.js';
import { getJsonText, jsonBody } from '../middleware/json-body.js';
import { methodNotAllowed } from '../middleware/method-not-allowed.js';
import { requireJson } from '../middleware/require-json.js';
import { parseBody } from '../middleware/validate.js';
import { ExecuteRequestSchema } from '../schemas/execute-request.js';
import { createRouter } from './create-router.js';
import { createExecuteSteps } from './execute-steps.js';

export interface ExecuteRouterDeps {
  execution: ExecutionService;
  /** Per-client limit on executions; answers from the result cache do not count. */
  limiter: RequestHandler;
  /** Gives back the execution a request was counted for, when it never ran. */
  refund: (req: Request, res: Response) => void;
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
  metrics: Metrics;
}

/**
 * `POST /api/execute`: validate, answer from the result cache when it can, else count the
 * execution against the client's limit, run it on Piston and answer with the mapped result.
 */
export function createExecuteRouter(deps: ExecuteRouterDeps): Router {
  const router = createRouter();
  const steps = createExecuteSteps({
    execution: deps.execution,
    refund: deps.refund,
    metrics: deps.metrics,
    respond: (res, result) => res.json(result),
  });

  router.post(
    '/',
    requireJson(),
    jsonBody({ limit: deps.bodyLimit }),
    steps.fromCache(async (req, res) => {
      // A body seen before (the same snippet for every visitor) skips validation and preparing.
      const text = getJsonText(res);
      return (
        (text !== undefined ? await deps.execution.recall(text) : undefined) ??
        (await deps.execution.prepare(parseBody(ExecuteRequestSchema, req.body), text))
      );
    }),
    deps.limiter,
    steps.execute,
  );

  router.all('/', methodNotAllowed('POST'));

  return router;
}
