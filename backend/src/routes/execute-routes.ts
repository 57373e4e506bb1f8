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
import { defineRoutes } from '../openapi/route-docs.js';
import { ExecuteRequestSchema } from '../schemas/execute-request.js';
import { ExecuteResponseSchema, type ExecuteResponse } from '../schemas/execute-response.js';
import { createRouter } from './create-router.js';

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

/** `POST /api/execute` in the OpenAPI document. */
export const EXECUTE_ROUTE_DOCS = defineRoutes([
  {
    method: 'post',
    path: '/api/execute',
    operationId: 'execute',
    summary: 'Run a program and answer when it has finished',
    description:
      'Send exactly one of `code` (the program as a string) or `files` (the first file is the program). The language is a Piston name or alias (see `GET /api/execute/languages`); `version` is exact, a semver range or left out for the newest. A `200` means the program ran, whatever it did: `status` says how it ended. Identical requests may be answered from the result cache (`X-Cache: HIT`), which does not count against the execution limit.',
    tags: ['Execution'],
    protection: 'execute',
    requestBody: {
      schema: ExecuteRequestSchema,
      name: 'ExecuteRequest',
      examples: {
        python: {
          summary: 'Python, with input',
          value: { language: 'python', code: 'print(input().upper())', stdin: 'hello\n' },
        },
        files: {
          summary: 'Several files and arguments',
          value: {
            language: 'python',
            version: '3.x',
            files: [
              { name: 'main.py', content: 'import sys, util\nprint(util.greet(sys.argv[1]))' },
              { name: 'util.py', content: 'def greet(name):\n    return f"Hello, {name}!"' },
            ],
            args: ['World'],
            timeout: 3000,
          },
        },
      },
    },
    responses: {
      200: {
        description: 'The program ran; `status` says how it ended.',
        headers: ['X-Cache'],
        content: {
          schema: ExecuteResponseSchema,
          name: 'ExecuteResponse',
          examples: {
            ok: {
              summary: 'It printed and exited with 0',
              value: {
                success: true,
                output: 'HELLO\n',
                stderr: '',
                exitCode: 0,
                signal: null,
                status: 'ok',
                language: 'python',
                version: '3.11.2',
                run: {
                  stdout: 'HELLO\n',
                  stderr: '',
                  exitCode: 0,
                  signal: null,
                  cpuTimeMs: 18,
                  wallTimeMs: 27,
                  memoryBytes: 8716288,
                },
                truncated: false,
              },
            },
          },
        },
      },
    },
    errors: [
      'invalid_json',
      'invalid_request',
      'unsupported_language',
      'unsupported_version',
      'payload_too_large',
      'unsupported_media_type',
      'upstream_error',
      'upstream_unavailable',
      'overloaded',
      'upstream_timeout',
    ],
  },
]);

/** Error codes of executions that never reached Piston's sandbox: shed, or Piston unreachable. */
const NEVER_RAN = new Set(['overloaded', 'upstream_unavailable']);

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
  const router = createRouter(EXECUTE_ROUTE_DOCS);
  const pending = new WeakMap<Response, Pending>();

  function answer(res: Response, result: ExecuteResponse, cache: CacheStatus, started: bigint) {
    const labels = { language: result.language, status: result.status };
    deps.metrics.executions.inc(labels);
    // A hit ran nothing: timing it would pull the execution-time quantiles towards zero exactly
    // when the cache is doing its job, and hide how long Piston takes.
    if (cache !== 'HIT') {
      deps.metrics.executionDuration.observe(
        labels,
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    }
    deps.metrics.resultCache.inc({ result: cache.toLowerCase() });
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
      const prepared =
        (text !== undefined ? await deps.execution.recall(text) : undefined) ??
        (await deps.execution.prepare(parseBody(ExecuteRequestSchema, req.body), text));
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
      const controller = new AbortController();
      if (res.closed) controller.abort();
      res.on('close', () => {
        if (!res.writableFinished) controller.abort();
      });
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
