import type { Request, Response } from 'express';
import type { ExecutionService } from '../execution/execution-service.js';
import type { ChargeOutcome } from '../middleware/rate-limit.js';
import type { ExecuteBody } from '../schemas/verdicts.js';
import { createRequestPool } from './request-pool.js';
import { executionsToCharge, planRun, runPlan, type RecordResult } from './run-plan.js';
import { abortOnClose } from '../routes/execution-steps.js';

export interface TestsHandlerDeps {
  execution: ExecutionService;
  /** Counts the executions the request needs against the client's limit, all or none. */
  charge: (req: Request, res: Response, count: number) => Promise<ChargeOutcome>;
  /** Gives back executions that were counted but never ran. */
  refund: (req: Request, res: Response, count?: number) => void;
  record: RecordResult;
  /** Most executions of one request in flight at once (MAX_CONCURRENT_EXECUTIONS). */
  parallelism: number;
}

/**
 * Answers `POST /api/execute` with `tests`: every test is one execution, answered by the result
 * cache where it can be, the others charged to the client's execution limit together (a request
 * that does not fit what is left is refused whole, nothing run) and given back when they did not
 * run (not compiled, shed, Piston unreachable).
 */
export function createTestsHandler(deps: TestsHandlerDeps) {
  return async function serveTests(req: Request, res: Response, body: ExecuteBody) {
    const plan = await planRun(deps.execution, body);
    const needed = executionsToCharge(plan);
    const charged = await deps.charge(req, res, needed);
    if (!charged.allowed) throw charged.error;
    const controller = abortOnClose(res);
    const outcome = await runPlan(deps.execution, plan, {
      record: deps.record,
      pool: createRequestPool(deps.parallelism),
      signal: controller.signal,
    });
    if (outcome.notRun > 0) deps.refund(req, res, outcome.notRun);
    if (!outcome.ok) throw outcome.error;
    res.setHeader('X-Cache', outcome.cache);
    res.json(outcome.body);
  };
}
