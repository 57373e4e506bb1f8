import express, { type Express } from 'express';
import { MemoryStore, type Store } from 'express-rate-limit';
import type { Logger } from 'pino';
import { apiRequestLimit, type ApiKey } from './auth/api-keys.js';
import { mountJudge0, type SubmissionBackend } from './compat/judge0/mount-judge0.js';
import type { Config } from './config.js';
import { createExecution } from './execution/create-execution.js';
import type { ResultCache } from './execution/result-cache.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { apiKeyAuth, getApiKey, refuseFailedAuth } from './middleware/api-key.js';
import { clientKey } from './middleware/client-key.js';
import { useCommonMiddleware } from './middleware/common.js';
import { createErrorHandler } from './middleware/error-handler.js';
import { notFound } from './middleware/not-found.js';
import { createRateLimit } from './middleware/rate-limit.js';
import type { PistonClient } from './piston/piston-client.js';
import { createExecuteRouter } from './routes/execute-routes.js';
import { createHealthRouter, type HealthRouterDeps } from './routes/health-routes.js';
import { createLanguagesRouter } from './routes/languages-routes.js';
import { createMetricsRouter } from './routes/metrics-routes.js';
import { createUsageRouter } from './routes/usage-routes.js';
import { ResilientRedisStore } from './redis/redis-rate-limit-store.js';
import type { SharedState } from './redis/shared-state.js';
import type { RuntimeCache } from './runtimes/runtime-cache.js';

/** Everything the app needs, built by the composition root (main.ts) or by a test. */
export interface AppDeps {
  config: Config;
  logger: Logger;
  piston: PistonClient;
  runtimes: RuntimeCache;
  /** API keys (from API_KEYS, loaded by main.ts); callers presenting one are limited per key. */
  apiKeys?: readonly ApiKey[];
  /** Redis (REDIS_URL): rate limits and the result cache shared by every instance. */
  shared?: SharedState;
  /** Result cache to use instead of the in-memory one built from RESULT_CACHE_* settings. */
  resultCache?: ResultCache;
  /** Where submissions live and wait (Redis/BullMQ); in this process when absent. */
  submissions?: SubmissionBackend;
  /** Overrides for the health probe's timing (tests). */
  health?: Omit<HealthRouterDeps, 'runtimes' | 'limiter' | 'redis'>;
}

const METRICS = 'metrics';
const CLOSE = 'closeApp';

/** Builds the Express app. It does not listen and keeps no module-level state. */
export function createApp(deps: AppDeps): Express {
  const { config, logger, runtimes } = deps;
  const { execution, limiter } = createExecution(deps);
  const metrics = createMetrics({ limiter, runtimes, redis: deps.shared?.health });
  // Counters in Redis when instances share state, else in this process.
  const storeFor = (name: string): Store =>
    deps.shared
      ? new ResilientRedisStore(
          deps.shared.redis,
          `${config.REDIS_KEY_PREFIX}rl:${name}:`,
          deps.shared.health,
        )
      : new MemoryStore();
  const app = express();
  app.locals[METRICS] = metrics;

  app.disable('x-powered-by');
  // Responses are per request (executions) or carry their own ETag (languages).
  app.set('etag', false);
  // A hop count, never `true`: only the proxies we run may name the client's address.
  app.set('trust proxy', config.TRUST_PROXY);
  useCommonMiddleware(app, { config, logger, metrics });

  app.use(
    '/health',
    createHealthRouter({ runtimes, limiter, redis: deps.shared?.health, ...deps.health }),
  );
  const identifyClient = clientKey({ trustProxy: config.TRUST_PROXY, logger });
  const apiLimiter = createRateLimit({
    name: 'api',
    windowMs: config.RATE_LIMIT_WINDOW_MS,
    limit: deps.apiKeys?.length
      ? (res) => apiRequestLimit(getApiKey(res)?.limit, config)
      : config.RATE_LIMIT_MAX,
    logger,
    store: storeFor('api'),
  });
  const executeStore = storeFor('execute');
  const executeLimiter = createRateLimit({
    name: 'execute',
    windowMs: config.EXECUTE_RATE_LIMIT_WINDOW_MS,
    limit: (res) => getApiKey(res)?.limit ?? config.EXECUTE_RATE_LIMIT_MAX,
    logger,
    store: executeStore,
  });
  // On the public port only with a token; the metrics port (METRICS_PORT) serves it otherwise.
  if (config.METRICS_TOKEN) {
    app.use(
      '/metrics',
      createMetricsRouter({
        metrics,
        token: config.METRICS_TOKEN,
        throttle: [identifyClient, apiLimiter],
      }),
    );
  }
  // A wrong or missing key is refused after the /api limit counted it against the address.
  const protection = [
    apiKeyAuth({ keys: deps.apiKeys ?? [], required: config.REQUIRE_API_KEY }),
    identifyClient,
    apiLimiter,
    refuseFailedAuth(),
  ];
  app.use('/api', ...protection);
  app.use(
    '/api/usage',
    createUsageRouter({
      limiters: [
        {
          name: 'api',
          handler: apiLimiter,
          windowMs: config.RATE_LIMIT_WINDOW_MS,
          limit: (keyLimit) => apiRequestLimit(keyLimit, config),
        },
        {
          name: 'execute',
          handler: executeLimiter,
          windowMs: config.EXECUTE_RATE_LIMIT_WINDOW_MS,
          limit: (keyLimit) => keyLimit ?? config.EXECUTE_RATE_LIMIT_MAX,
        },
      ],
    }),
  );
  app.use('/api/execute/languages', createLanguagesRouter({ runtimes }));
  app.use(
    '/api/execute',
    createExecuteRouter({
      execution,
      metrics,
      bodyLimit: config.BODY_LIMIT,
      limiter: executeLimiter,
      // An execution that never ran (shed, or Piston unreachable) is not charged to the client.
      refund: executeLimiter.refund,
    }),
  );

  // Judge0's API (#18): the same protection as /api, submissions charged when accepted.
  app.locals[CLOSE] = mountJudge0(app, {
    config,
    logger,
    runtimes,
    execution,
    protection,
    executeLimiter,
    executeStore,
    backend: deps.submissions,
    registry: metrics.registry,
  });

  app.use(notFound());
  app.use(createErrorHandler(logger));
  return app;
}

/** Stops what an app built by createApp runs besides requests (the submission workers). */
export function closeApp(app: Express): Promise<void> {
  const close = app.locals[CLOSE] as (() => Promise<void>) | undefined;
  return close ? close() : Promise.resolve();
}

/** The metrics of an app built by createApp, for the metrics listener (METRICS_PORT). */
export function appMetrics(app: Express): Metrics {
  return app.locals[METRICS] as Metrics;
}
