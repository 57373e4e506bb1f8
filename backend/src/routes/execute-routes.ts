import type { Router } from 'express';
import { getJsonText, jsonBody } from '../middleware/json-body.js';
import { methodNotAllowed } from '../middleware/method-not-allowed.js';
import { requireJson } from '../middleware/require-json.js';
import { parseBody } from '../middleware/validate.js';
import { ExecuteRequestSchema } from '../schemas/execute-request.js';
import { createRouter } from './create-router.js';
import { executionSteps, type ExecutionStepsDeps } from './execution-steps.js';

export interface ExecuteRouterDeps extends ExecutionStepsDeps {
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
}

/**
 * `POST /api/execute`: validate, answer from the result cache when it can, else count the
 * execution against the client's limit, run it on Piston and answer with the mapped result.
 */
export function createExecuteRouter(deps: ExecuteRouterDeps): Router {
  const router = createRouter();

  router.post(
    '/',
    requireJson(),
    jsonBody({ limit: deps.bodyLimit }),
    ...executionSteps(deps, {
      async prepare(req, res) {
        // A body seen before (the same snippet for every visitor) skips validation and preparing.
        const text = getJsonText(res);
        return (
          (text !== undefined ? await deps.execution.recall(text) : undefined) ??
          (await deps.execution.prepare(parseBody(ExecuteRequestSchema, req.body), text))
        );
      },
      send(res, outcome) {
        res.json(outcome.result);
      },
    }),
  );

  router.all('/', methodNotAllowed('POST'));

  return router;
}
