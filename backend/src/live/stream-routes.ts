import type { Request, RequestHandler, Response, Router } from 'express';
import type { ExecutionService, PreparedExecution } from '../execution/execution-service.js';
import { jsonBody } from '../middleware/json-body.js';
import { methodNotAllowed } from '../middleware/method-not-allowed.js';
import { getRequestId } from '../middleware/request-id.js';
import { requireJson } from '../middleware/require-json.js';
import { parseBody } from '../middleware/validate.js';
import { createRouter } from '../routes/create-router.js';
import { abortOnClose, refundIfNeverRan } from '../routes/execution-steps.js';
import { ExecuteRequestSchema } from '../schemas/execute-request.js';
import type { LiveRunner } from './live-runner.js';
import { createSseSink } from './sse-sink.js';
import { STREAM_ROUTE_DOCS } from './stream-route-docs.js';

export interface ExecuteStreamRouterDeps {
  execution: Pick<ExecutionService, 'prepare'>;
  runner: LiveRunner;
  /** The per-client execution limit of `POST /api/execute`. */
  limiter: RequestHandler;
  /** Gives back the execution a request was counted for, when it never ran. */
  refund: (req: Request, res: Response) => void;
  bodyLimit: number;
  /** Interval of the `: ping` comments (default 15 s). */
  pingMs?: number;
}

/**
 * `POST /api/execute/stream`: the body of `POST /api/execute`, validated and prepared the same
 * way (never answered from the result cache), counted once against the execution limit, then
 * run live with its output as Server-Sent Events. A client that disconnects kills the run; its
 * Piston job keeps its slot until Piston closes it (see LiveRunner).
 */
export function createExecuteStreamRouter(deps: ExecuteStreamRouterDeps): Router {
  const router = createRouter(STREAM_ROUTE_DOCS);
  const pending = new WeakMap<Response, PreparedExecution>();

  router.post(
    '/',
    requireJson(),
    jsonBody({ limit: deps.bodyLimit }),
    async function prepareLiveRun(req, res, next) {
      pending.set(res, await deps.execution.prepare(parseBody(ExecuteRequestSchema, req.body)));
      next();
    },
    deps.limiter,
    async function streamLiveRun(req, res) {
      const prepared = pending.get(res) as PreparedExecution;
      const controller = abortOnClose(res);
      // The same refund rule as POST /api/execute: only runs that never reached Piston.
      refundIfNeverRan(req, res, deps.refund);
      const sink = createSseSink(res, deps.pingMs === undefined ? {} : { pingMs: deps.pingMs });
      const run = await deps.runner.start(prepared, sink, {
        requestId: getRequestId(res) ?? '',
        signal: controller.signal,
      });
      await run.done;
      sink.end();
    },
  );

  router.all('/', methodNotAllowed('POST'));
  return router;
}
