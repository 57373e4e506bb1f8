import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import express, { type Express } from 'express';
import { MemoryStore, type Store } from 'express-rate-limit';
import type { Logger } from 'pino';
import { apiRequestLimit, type ApiKey } from './auth/api-keys.js';
import { createPistonCompatRouter, PISTON_COMPAT_PATHS } from './compat/piston/piston-routes.js';
import { pistonErrorBody } from './compat/piston/piston-response.js';
import { mountJudge0, type SubmissionBackend } from './compat/judge0/mount-judge0.js';
import type { Config } from './config.js';
import { createExecution } from './execution/create-execution.js';
import { createLiveRunner, type LiveRunner, type LiveRunnerDeps } from './live/live-runner.js';
import { createExecuteStreamRouter } from './live/stream-routes.js';
import type { ResultCache } from './execution/result-cache.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { apiKeyAuth, getApiKey, refuseFailedAuth } from './middleware/api-key.js';
import { clientKey } from './middleware/client-key.js';
import { useCommonMiddleware } from './middleware/common.js';
import { createErrorHandler } from './middleware/error-handler.js';
import { notFound } from './middleware/not-found.js';
import { createRateLimit } from './middleware/rate-limit.js';
import { plainErrors } from './plain/plain-errors.js';
import type { PistonClient } from './piston/piston-client.js';
import { createBatchRouter } from './routes/batch-routes.js';
import { createExecuteRouter } from './routes/execute-routes.js';
import { buildOpenApiDocument } from './openapi/build-document.js';
import { collectRouteDocs } from './openapi/collect-routes.js';
import { createHealthRouter, type HealthRouterDeps } from './routes/health-routes.js';
import { createLanguagesRouter } from './routes/languages-routes.js';
import { createMetricsRouter } from './routes/metrics-routes.js';
import { createOpenApiRouter } from './routes/openapi-routes.js';
import { createRunRouter } from './routes/run-routes.js';
import { createUsageRouter } from './routes/usage-routes.js';
import { ResilientRedisStore } from './redis/redis-rate-limit-store.js';
import type { SharedState } from './redis/shared-state.js';
import type { RuntimeCache } from './runtimes/runtime-cache.js';
import { createWebAssets, type WebAssets } from './web/web-assets.js';
import { createWebRouter } from './web/web-router.js';
import { createLiveSockets, INIT_TIMEOUT_MS, PING_INTERVAL_MS } from './ws/live-sockets.js';

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
  /** The browser files of the playground (default: dist/public/, else bundled from source). */
  webAssets?: WebAssets;
  /** Where submissions live and wait (Redis/BullMQ) and who calls back; in this process when absent. */
  submissions?: SubmissionBackend;
  /** Overrides for the health probe's timing (tests). */
  health?: Omit<HealthRouterDeps, 'runtimes' | 'limiter' | 'redis'>;
  /** Overrides for live runs (tests): the SSE ping interval and the slow-reader threshold. */
  live?: Pick<LiveRunnerDeps, 'maxBufferedBytes' | 'slowReaderMs'> & { pingMs?: number };
  /** Overrides for live-run WebSockets (tests): their ping interval and init deadline. */
  liveSocket?: { pingIntervalMs?: number; initTimeoutMs?: number };
}

/** The HTTP server's part in live-run WebSockets: its `upgrade` handler and their shutdown. */
export interface AppUpgrade {
  handle: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  /** Closes the live sockets (1001) once their runs end or after `timeoutMs`. */
  close: (timeoutMs: number) => Promise<void>;
}

const METRICS = 'metrics';
const LIVE_RUNNER = 'liveRunner';
const UPGRADE = 'upgrade';
/** The version of the API the document describes (info.version), not of the package. */
const OPENAPI_INFO_VERSION = '1.0.0';
const CLOSE = 'closeApp';

/** Builds the Express app. It does not listen and keeps no module-level state. */
export function createApp(deps: AppDeps): Express {
  const { config, logger, runtimes } = deps;
  const { execution, limiter } = createExecution(deps);
  const metrics = createMetrics({ limiter, runtimes, redis: deps.shared?.health });
  // Live runs share the execution slots of POST /api/execute (#15).
  const liveRunner = createLiveRunner({
    config,
    limiter,
    runtimes,
    metrics,
    logger,
    ...(deps.live?.maxBufferedBytes === undefined
      ? {}
      : { maxBufferedBytes: deps.live.maxBufferedBytes }),
    ...(deps.live?.slowReaderMs === undefined ? {} : { slowReaderMs: deps.live.slowReaderMs }),
  });
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
  app.locals[LIVE_RUNNER] = liveRunner;

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
  // Built from the route docs of every router mounted here, on its first request.
  app.use(
    '/openapi.json',
    createOpenApiRouter({
      build: () =>
        buildOpenApiDocument(collectRouteDocs(app), {
          title: 'Code execution gateway',
          version: OPENAPI_INFO_VERSION,
          requireApiKey: config.REQUIRE_API_KEY,
        }),
    }),
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
  const liveSockets = createLiveSockets({
    execution,
    runner: liveRunner,
    apiKeys: deps.apiKeys ?? [],
    corsOrigins: config.CORS_ORIGINS,
    maxPayload: config.BODY_LIMIT,
    executeLimit: executeLimiter,
    executeMax: config.EXECUTE_RATE_LIMIT_MAX,
    maxStdinBytes: config.MAX_STDIN_BYTES,
    initTimeoutMs: deps.liveSocket?.initTimeoutMs ?? INIT_TIMEOUT_MS,
    pingIntervalMs: deps.liveSocket?.pingIntervalMs ?? PING_INTERVAL_MS,
    logger,
  });
  app.locals[UPGRADE] = {
    handle: liveSockets.upgrade(app),
    close: (timeoutMs) => liveSockets.close(timeoutMs),
  } satisfies AppUpgrade;
  // Before the key check and the limits, so their errors are text on the plain-text routes too.
  app.use('/api/run', plainErrors());
  // A wrong or missing key is refused after the /api limit counted it against the address.
  const protection = [
    apiKeyAuth({ keys: deps.apiKeys ?? [], required: config.REQUIRE_API_KEY }),
    identifyClient,
    apiLimiter,
    refuseFailedAuth(),
  ];
  // All but the last (refuseFailedAuth): a browser's socket brings its key in the init frame.
  app.use('/api', ...protection.slice(0, -1));
  app.use('/api/execute/ws', liveSockets.router);
  app.use('/api', ...protection.slice(-1));
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
    '/api/execute/stream',
    createExecuteStreamRouter({
      execution,
      runner: liveRunner,
      bodyLimit: config.BODY_LIMIT,
      limiter: executeLimiter,
      refund: executeLimiter.refund,
      ...(deps.live?.pingMs === undefined ? {} : { pingMs: deps.live.pingMs }),
    }),
  );
  app.use(
    '/api/execute/batch',
    createBatchRouter({
      execution,
      metrics,
      logger,
      bodyLimit: config.BODY_LIMIT,
      maxRuns: config.MAX_BATCH_SIZE,
      maxTests: config.MAX_TESTS,
      parallelism: config.MAX_CONCURRENT_EXECUTIONS,
      // Each run is charged as a request of its own would be, without the per-request middleware.
      charge: executeLimiter.charge,
      refund: executeLimiter.refund,
    }),
  );
  app.use(
    '/api/execute',
    createExecuteRouter({
      execution,
      metrics,
      bodyLimit: config.BODY_LIMIT,
      maxTests: config.MAX_TESTS,
      parallelism: config.MAX_CONCURRENT_EXECUTIONS,
      limiter: executeLimiter,
      // An execution that never ran (shed, or Piston unreachable) is not charged to the client.
      refund: executeLimiter.refund,
      // A request with tests is one execution per test not answered by the result cache.
      charge: executeLimiter.charge,
    }),
  );

  app.use(
    PISTON_COMPAT_PATHS,
    createPistonCompatRouter({
      execution,
      metrics,
      runtimes,
      config,
      limiter: executeLimiter,
      refund: executeLimiter.refund,
    }),
  );
  // Errors under Piston's paths (the API key and rate limits above included) in Piston's shape.
  app.use(PISTON_COMPAT_PATHS, createErrorHandler(logger, pistonErrorBody));
  app.use(
    '/api/run',
    createRunRouter({
      execution,
      metrics,
      bodyLimit: config.BODY_LIMIT,
      limiter: executeLimiter,
      refund: executeLimiter.refund,
    }),
  );

  // Pages and static files: no API key, no rate limit (served from memory, no work upstream);
  // the API calls they make go through /api and its protection.
  if (config.PLAYGROUND_ENABLED) {
    app.use(createWebRouter({ assets: deps.webAssets ?? createWebAssets() }));
  }
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

/** The live runner of an app built by createApp, for routes outside Express (WebSocket upgrades). */
export function appLiveRunner(app: Express): LiveRunner {
  return app.locals[LIVE_RUNNER] as LiveRunner;
}

/** The live-socket upgrade handler of an app built by createApp, for its HTTP server. */
export function appUpgrade(app: Express): AppUpgrade | undefined {
  return app.locals[UPGRADE] as AppUpgrade | undefined;
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
