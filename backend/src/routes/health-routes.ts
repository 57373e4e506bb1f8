import type { Router } from 'express';
import { UpstreamUnavailableError } from '../errors.js';
import type { ExecutionLimiter } from '../execution/execution-limiter.js';
import { sendError } from '../middleware/error-handler.js';
import { methodNotAllowed } from '../middleware/method-not-allowed.js';
import { UPSTREAM_RETRY_AFTER_SECONDS } from '../piston/piston-client.js';
import type { RedisHealth } from '../redis/redis-health.js';
import type { RuntimeCache } from '../runtimes/runtime-cache.js';
import { defineRoutes } from '../openapi/route-docs.js';
import {
  HealthResponseSchema,
  ReadyResponseSchema,
  type HealthResponse,
  type ReadyResponse,
} from '../schemas/service-responses.js';
import { createRouter } from './create-router.js';

export interface HealthRouterDeps {
  runtimes: RuntimeCache;
  limiter: Pick<ExecutionLimiter, 'stats'>;
  /** Redis mode (REDIS_URL): the shared state's health, reported as `redis.state`. */
  redis?: Pick<RedisHealth, 'state'> | undefined;
  /** `/health` asks Piston in the background when its last answer is older than this. */
  probeIntervalMs?: number;
  /** `/health/ready` waits for a fresh answer when the last one is older than this. */
  readyMaxAgeMs?: number;
  now?: () => number;
}

const PISTON_UP = { status: 'up', runtimes: 7, version: '3.1.1' } as const;

/** `GET /health` and `GET /health/ready` in the OpenAPI document. */
export const HEALTH_ROUTE_DOCS = defineRoutes([
  {
    method: 'get',
    path: '/health',
    operationId: 'getHealth',
    summary: 'Liveness: 200 while the gateway serves, with Piston as last seen',
    description:
      'Never waits for Piston: a stale state is refreshed in the background. Not rate limited and needs no key.',
    tags: ['Operations'],
    protection: 'public',
    responses: {
      200: {
        description: 'The gateway is running.',
        headers: ['Cache-Control'],
        content: {
          schema: HealthResponseSchema,
          name: 'HealthResponse',
          examples: {
            up: {
              summary: 'Piston up',
              value: {
                status: 'OK',
                message: 'Code execution gateway is running',
                timestamp: '2026-01-01T00:00:00.000Z',
                uptimeSeconds: 3600,
                piston: PISTON_UP,
                executions: { inFlight: 1, queued: 0, maxConcurrent: 8, maxQueue: 64 },
              },
            },
          },
        },
      },
    },
    errors: [],
  },
  {
    method: 'get',
    path: '/health/ready',
    operationId: 'getReadiness',
    summary: 'Readiness: 200 only when Piston answers with at least one runtime',
    tags: ['Operations'],
    protection: 'public',
    responses: {
      200: {
        description: 'Ready to execute.',
        headers: ['Cache-Control'],
        content: {
          schema: ReadyResponseSchema,
          name: 'ReadyResponse',
          examples: { ready: { summary: 'Ready', value: { status: 'ready', piston: PISTON_UP } } },
        },
      },
    },
    errors: ['upstream_unavailable'],
  },
]);

/**
 * `GET /health` (liveness: 200 while the process serves, Piston's state and version from the
 * cache) and `GET /health/ready` (readiness: 200 only when Piston answers with at least one
 * runtime; a stale state is refreshed first, which reads Piston's version again too).
 */
export function createHealthRouter(deps: HealthRouterDeps): Router {
  const router = createRouter(HEALTH_ROUTE_DOCS);
  const now = deps.now ?? Date.now;
  const probeIntervalMs = deps.probeIntervalMs ?? 10_000;
  const readyMaxAgeMs = deps.readyMaxAgeMs ?? 2_000;
  const startedAt = now();

  function pistonState() {
    const snapshot = deps.runtimes.snapshot();
    // Executions fail while the gateway cannot open connections, whatever the list says.
    const up = snapshot.lastCallOk === true && snapshot.connectionProblem === undefined;
    return {
      status: up ? ('up' as const) : ('down' as const),
      runtimes: snapshot.runtimes?.length ?? 0,
      // What Piston says it is at its root (`latest` images move); null until it has said.
      version: snapshot.version,
    };
  }

  function notReadyReason(piston: ReturnType<typeof pistonState>): string {
    const problem = deps.runtimes.snapshot().connectionProblem;
    if (problem) return `The gateway cannot open connections to Piston (${problem})`;
    return piston.status === 'up' ? 'Piston has no runtimes installed' : 'Piston is not answering';
  }

  router.get('/', (_req, res) => {
    if (now() - deps.runtimes.snapshot().lastCallAt >= probeIntervalMs) {
      // Refresh in the background: a health hit never waits on, or multiplies calls to, Piston.
      deps.runtimes.refresh().catch(() => undefined);
    }
    res.setHeader('Cache-Control', 'no-store');
    const body: HealthResponse = {
      status: 'OK',
      message: 'Code execution gateway is running',
      timestamp: new Date(now()).toISOString(),
      uptimeSeconds: Math.floor((now() - startedAt) / 1000),
      piston: pistonState(),
      executions: deps.limiter.stats(),
      // Informational: the gateway serves on (fail open) while Redis is unreachable or full.
      ...(deps.redis ? { redis: { state: deps.redis.state() } } : {}),
    };
    res.json(body);
  });

  router.get('/ready', async (_req, res) => {
    if (now() - deps.runtimes.snapshot().lastCallAt >= readyMaxAgeMs) {
      await deps.runtimes.refresh().catch(() => undefined);
    }
    const piston = pistonState();
    res.setHeader('Cache-Control', 'no-store');
    if (piston.status !== 'up' || piston.runtimes === 0) {
      // "Not ready" is this probe's answer, not a failure of the gateway: it is sent here rather
      // than thrown, so a probe every few seconds during an outage does not log an error each time
      // (the runtime cache warns once that Piston is not answering).
      const notReady = new UpstreamUnavailableError('The execution engine is not ready', {
        retryAfterSeconds: UPSTREAM_RETRY_AFTER_SECONDS,
        details: [{ message: notReadyReason(piston), piston }],
      });
      sendError(res, notReady);
      return;
    }
    const body: ReadyResponse = { status: 'ready', piston };
    res.json(body);
  });

  router.all('/', methodNotAllowed('GET'));
  router.all('/ready', methodNotAllowed('GET'));

  return router;
}
