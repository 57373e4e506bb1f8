import type { Router } from 'express';
import { BadRequestError } from '../../errors.js';
import { getJsonText, jsonBody } from '../../middleware/json-body.js';
import { methodNotAllowed } from '../../middleware/method-not-allowed.js';
import { notFound } from '../../middleware/not-found.js';
import type { PistonRuntime } from '../../piston/piston-schemas.js';
import { createRouter } from '../../routes/create-router.js';
import { executionSteps, type ExecutionStepsDeps } from '../../routes/execution-steps.js';
import type { RuntimeCache } from '../../runtimes/runtime-cache.js';
import { PISTON_ROUTE_DOCS } from './piston-route-docs.js';
import { translatePistonRequest, type CompatLimits } from './piston-request.js';
import { toPistonAnswer, toPistonRuntime } from './piston-response.js';

/** Where Piston's API is served: the self-hosted path, and the public instance's. */
export const PISTON_COMPAT_PATHS = ['/api/v2/piston', '/api/v2'];

export interface PistonCompatRouterDeps extends ExecutionStepsDeps {
  runtimes: RuntimeCache;
  /** The gateway's limits a Piston request's own are bounded by. */
  config: CompatLimits & { BODY_LIMIT: number };
}

/**
 * Remembered bodies of this API are kept apart from `POST /api/execute`'s: the same JSON text
 * means another request here (other defaults, other file names). No JSON text starts so.
 */
const MEMO_PREFIX = 'piston-v2:';

/**
 * Piston 3.1.1's API (`GET /runtimes`, `POST /execute`) in front of the gateway's protected
 * execution path: the request is translated into the gateway's own, runs exactly as
 * `POST /api/execute` runs (limits, queue, result cache, coalescing, metrics), and Piston's
 * answer goes back as Piston sent it. Every other path (`/packages`, `/connect`) is a 404.
 */
export function createPistonCompatRouter(deps: PistonCompatRouterDeps): Router {
  const router = createRouter(PISTON_ROUTE_DOCS);
  let listed: { source: readonly PistonRuntime[]; body: unknown } | undefined;

  router.get('/runtimes', async (_req, res) => {
    const runtimes = await deps.runtimes.get();
    if (listed?.source !== runtimes) {
      listed = { source: runtimes, body: runtimes.map(toPistonRuntime) };
    }
    res.json(listed.body);
  });
  router.all('/runtimes', methodNotAllowed('GET'));

  router.post(
    '/execute',
    // Piston clients in the wild send JSON as text/plain (node-fetch's default) or untyped.
    jsonBody({ limit: deps.config.BODY_LIMIT, anyContentType: true }),
    ...executionSteps(deps, {
      async prepare(req, res) {
        const json = getJsonText(res);
        const text = json === undefined ? undefined : `${MEMO_PREFIX}${json}`;
        const recalled = text !== undefined ? await deps.execution.recall(text) : undefined;
        if (recalled) return recalled;
        const { body, limits } = translatePistonRequest(req.body, deps.config);
        try {
          return await deps.execution.prepare(body, text, limits);
        } catch (error) {
          throw inPistonWords(error, body.language, body.version);
        }
      },
      send(res, outcome) {
        res.json(toPistonAnswer(outcome.piston));
      },
    }),
  );
  router.all('/execute', methodNotAllowed('POST'));

  router.use(notFound());
  return router;
}

/** An unknown language or version in Piston's words (`cobol-* runtime is unknown`). */
function inPistonWords(error: unknown, language: string, version: string | undefined): unknown {
  if (
    !(error instanceof BadRequestError) ||
    (error.code !== 'unsupported_language' && error.code !== 'unsupported_version')
  ) {
    return error;
  }
  return new BadRequestError(error.code, `${language}-${version ?? '*'} runtime is unknown`, {
    cause: error,
    ...(error.details ? { details: error.details } : {}),
  });
}
