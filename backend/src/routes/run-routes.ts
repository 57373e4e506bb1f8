import type { Request, RequestHandler, Response, Router } from 'express';
import type { ExecutionOutcome, ExecutionService } from '../execution/execution-service.js';
import { terminalOutput } from '../execution/map-result.js';
import type { Metrics } from '../metrics/metrics.js';
import { methodNotAllowed } from '../middleware/method-not-allowed.js';
import { parseBody } from '../middleware/validate.js';
import { getPlainProgram, plainBody } from '../plain/plain-body.js';
import { plainExecuteBody } from '../plain/plain-request.js';
import { ExecuteRequestSchema } from '../schemas/execute-request.js';
import { createRouter } from './create-router.js';
import { executionSteps } from './execution-steps.js';
import { RUN_ROUTE_DOCS } from './run-route-docs.js';

export interface RunRouterDeps {
  execution: ExecutionService;
  /** Per-client limit on executions, the same one `POST /api/execute` counts against. */
  limiter: RequestHandler;
  /** Gives back the execution a request was counted for, when it never ran. */
  refund: (req: Request, res: Response) => void;
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
  metrics: Metrics;
}

/**
 * `POST /api/run/:language` and `/api/run/:language/:version`: the program is the body (or a
 * form's `code` part), the answer is its output as a terminal shows it, as `text/plain`, with
 * the outcome in headers. It takes exactly the path of `POST /api/execute` (validation, result
 * cache, coalescing, execution limit and refunds) through the same steps.
 */
export function createRunRouter(deps: RunRouterDeps): Router {
  const router = createRouter(RUN_ROUTE_DOCS);
  const run = [
    plainBody({ limit: deps.bodyLimit }),
    ...executionSteps(deps, {
      prepare: (req, res) =>
        deps.execution.prepare(
          parseBody(ExecuteRequestSchema, plainExecuteBody(req, getPlainProgram(res))),
        ),
      send: sendPlain,
    }),
  ];
  // Two routes, not one with an array of paths: the metrics label each by its own pattern.
  router.post('/:language', ...run);
  router.post('/:language/:version', ...run);
  router.all('/:language', methodNotAllowed('POST'));
  router.all('/:language/:version', methodNotAllowed('POST'));
  return router;
}

/**
 * The output of the stage that ended the run (the compiler's when compiling failed) as a terminal
 * shows it, stdout and stderr interleaved (Piston's `output`, from a cached answer too), with the
 * outcome in headers; an exit code or signal that is null is an empty header.
 */
function sendPlain(res: Response, outcome: ExecutionOutcome): void {
  const { result } = outcome;
  const text = terminalOutput(outcome.piston);
  res.setHeader('X-Exit-Code', result.exitCode === null ? '' : String(result.exitCode));
  res.setHeader('X-Signal', result.signal ?? '');
  res.setHeader('X-Status', result.status);
  res.setHeader('X-Language', result.language);
  res.setHeader('X-Version', result.version);
  res.type('text/plain; charset=utf-8').send(text);
}
