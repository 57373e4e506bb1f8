import type { Request, Response, Router } from 'express';
import type { PreparedExecution } from '../execution/execution-service.js';
import { getJsonText, jsonBody } from '../middleware/json-body.js';
import { methodNotAllowed } from '../middleware/method-not-allowed.js';
import type { ChargeOutcome } from '../middleware/rate-limit.js';
import { requireJson } from '../middleware/require-json.js';
import { parseBody } from '../middleware/validate.js';
import { createExecuteBodySchema } from '../schemas/verdicts.js';
import { splitBody } from '../verdicts/run-plan.js';
import { createTestsHandler } from '../verdicts/tests-handler.js';
import { createRouter } from './create-router.js';
import { executeRouteDocs } from './execute-route-docs.js';
import {
  createExecutionRecorder,
  executionSteps,
  type ExecutionStepsDeps,
} from './execution-steps.js';

export interface ExecuteRouterDeps extends ExecutionStepsDeps {
  /** Gives back the executions a request was counted for, when they never ran. */
  refund: (req: Request, res: Response, count?: number) => void;
  /** Counts several executions at once (a request with tests), all or none. */
  charge: (req: Request, res: Response, count: number) => Promise<ChargeOutcome>;
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
  /** Most test cases in one request (MAX_TESTS). */
  maxTests: number;
  /** Most executions of one request in flight at once (MAX_CONCURRENT_EXECUTIONS). */
  parallelism: number;
}

const PREPARED = 'preparedExecution';

/**
 * `POST /api/execute`: validate, answer from the result cache when it can, else count the
 * execution against the client's limit, run it on Piston and answer with the mapped result.
 * A request with `tests` is several executions, charged and run by the tests handler.
 */
export function createExecuteRouter(deps: ExecuteRouterDeps): Router {
  const router = createRouter(executeRouteDocs(deps.maxTests));
  const bodySchema = createExecuteBodySchema(deps.maxTests);
  const serveTests = createTestsHandler({ ...deps, record: createExecutionRecorder(deps.metrics) });

  router.post(
    '/',
    requireJson(),
    jsonBody({ limit: deps.bodyLimit }),
    async function prepareOrRunTests(req, res, next) {
      // A body seen before (the same snippet for every visitor) skips validation and preparing.
      const text = getJsonText(res);
      let prepared = text !== undefined ? await deps.execution.recall(text) : undefined;
      if (!prepared) {
        const body = parseBody(bodySchema, req.body);
        if (body.tests) {
          await serveTests(req, res, body);
          return;
        }
        prepared = await deps.execution.prepare(splitBody(body).request, text);
      }
      res.locals[PREPARED] = prepared;
      next();
    },
    ...executionSteps(deps, {
      prepare: (_req, res) => Promise.resolve(res.locals[PREPARED] as PreparedExecution),
      send(res, outcome) {
        res.json(outcome.result);
      },
    }),
  );

  router.all('/', methodNotAllowed('POST'));

  return router;
}
