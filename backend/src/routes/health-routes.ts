import type { Router } from 'express';
import { UpstreamUnavailableError } from '../errors.js';
import type { ExecutionLimiter } from '../execution/execution-limiter.js';
import { sendError } from '../middleware/error-handler.js';
import { methodNotAllowed } from '../middleware/method-not-allowed.js';
import { UPSTREAM_RETRY_AFTER_SECONDS } from '../piston/piston-client.js';
import type { RedisHealth } from '../redis/redis-client.js';
import type { RuntimeCache } from '../runtimes/runtime-cache.js';
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

/**
 * `GET /health` (liveness: 200 while the process serves, Piston's state and version from the
 * cache) and `GET /health/ready` (readiness: 200 only when Piston answers with at least one
 * runtime; a stale state is refreshed first, which reads Piston's version again too).
 */
export function createHealthRouter(deps: HealthRouterDeps): Router {
  const router = createRouter();
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
    res.json({
      status: 'OK',
      message: 'Code execution gateway is running',
      timestamp: new Date(now()).toISOString(),
      uptimeSeconds: Math.floor((now() - startedAt) / 1000),
      piston: pistonState(),
      executions: deps.limiter.stats(),
      // Informational: the gateway serves on (fail open) while Redis is unreachable or full.
      ...(deps.redis ? { redis: { state: deps.redis.state() } } : {}),
    });
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
    res.json({ status: 'ready', piston });
  });

  router.all('/', methodNotAllowed('GET'));
  router.all('/ready', methodNotAllowed('GET'));

  return router;
}
