import type { Request, Response, Router } from 'express';
import type { Logger } from 'pino';
import { ClientGoneError, toErrorBody, type ErrorBody } from '../errors.js';
import type { ExecutionService } from '../execution/execution-service.js';
import type { Metrics } from '../metrics/metrics.js';
import { toAppError } from '../middleware/error-handler.js';
import { jsonBody } from '../middleware/json-body.js';
import { methodNotAllowed } from '../middleware/method-not-allowed.js';
import type { ChargeOutcome } from '../middleware/rate-limit.js';
import { getRequestId } from '../middleware/request-id.js';
import { requireJson } from '../middleware/require-json.js';
import { parseBody } from '../middleware/validate.js';
import type { ExecuteResponse } from '../schemas/execute-response.js';
import {
  createBatchRequestSchema,
  createExecuteBodySchema,
  type BatchResponse,
  type TestsResponse,
} from '../schemas/verdicts.js';
import { executionsToCharge, planRun, runPlan, type RunPlan } from '../verdicts/run-plan.js';
import { createRequestPool } from '../verdicts/request-pool.js';
import { batchRouteDocs } from './batch-route-docs.js';
import { createRouter } from './create-router.js';
import { abortOnClose, createExecutionRecorder } from './execution-steps.js';

export interface BatchRouterDeps {
  execution: ExecutionService;
  /** Counts a run's executions against the client's execution limit, all or none. */
  charge: (req: Request, res: Response, count: number) => Promise<ChargeOutcome>;
  /** Gives back executions that were counted but never ran. */
  refund: (req: Request, res: Response, count?: number) => void;
  metrics: Metrics;
  logger: Pick<Logger, 'error'>;
  /** Largest accepted request body, in bytes (the whole batch). */
  bodyLimit: number;
  /** Most runs in one batch (MAX_BATCH_SIZE). */
  maxRuns: number;
  /** Most test cases in one run (MAX_TESTS). */
  maxTests: number;
  /** Most executions of the batch in flight at once (MAX_CONCURRENT_EXECUTIONS). */
  parallelism: number;
}

type RunResult = ExecuteResponse | TestsResponse | ErrorBody;

/**
 * `POST /api/execute/batch`: `{ runs: [<POST /api/execute body>, ...] }` answered with
 * `{ results: [...] }` in the same order, each the run's normal answer or its normal error
 * object. The batch is 200 when it is well formed; every run is validated, charged (one
 * execution per execution it needs, in order, as if it were a request of its own) and run on its
 * own, all runs concurrently within the gateway's concurrency limit.
 */
export function createBatchRouter(deps: BatchRouterDeps): Router {
  const router = createRouter(batchRouteDocs(deps.maxRuns));
  const batchSchema = createBatchRequestSchema(deps.maxRuns);
  const bodySchema = createExecuteBodySchema(deps.maxTests);
  const record = createExecutionRecorder(deps.metrics);

  function errorObject(res: Response, error: unknown): ErrorBody {
    const appError = toAppError(error);
    // As the error handler does for a request: what the gateway did not expect is logged.
    if (appError.code === 'internal_error' && !(error instanceof ClientGoneError)) {
      deps.logger.error({ err: error, requestId: getRequestId(res) }, 'batch run failed');
    }
    return toErrorBody(appError, getRequestId(res));
  }

  async function plan(res: Response, run: unknown): Promise<RunPlan | ErrorBody> {
    try {
      return await planRun(deps.execution, parseBody(bodySchema, run));
    } catch (error) {
      return errorObject(res, error);
    }
  }

  router.post(
    '/',
    requireJson(),
    jsonBody({ limit: deps.bodyLimit }),
    async function batch(req, res) {
      const { runs } = parseBody(batchSchema, req.body);
      const plans: (RunPlan | ErrorBody)[] = [];
      for (const run of runs) plans.push(await plan(res, run));
      // Charged in order: the runs that fit what is left of the limit run, the rest are 429s.
      for (const [index, one] of plans.entries()) {
        if ('error' in one) continue;
        const charged = await deps.charge(req, res, executionsToCharge(one));
        if (!charged.allowed) plans[index] = errorObject(res, charged.error);
      }
      const controller = abortOnClose(res);
      const context = {
        record,
        pool: createRequestPool(deps.parallelism),
        signal: controller.signal,
      };
      const results = await Promise.all(
        plans.map(async (one): Promise<RunResult> => {
          if ('error' in one) return one;
          const outcome = await runPlan(deps.execution, one, context);
          if (outcome.notRun > 0) deps.refund(req, res, outcome.notRun);
          return outcome.ok ? outcome.body : errorObject(res, outcome.error);
        }),
      );
      if (controller.signal.aborted) throw new ClientGoneError('client went away');
      res.json({ results } satisfies BatchResponse);
    },
  );

  router.all('/', methodNotAllowed('POST'));

  return router;
}
