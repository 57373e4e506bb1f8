import compression from 'compression';
import cors from 'cors';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { Config } from './config.js';
import { createExecutionLimiter } from './execution/execution-limiter.js';
import { createExecutionService } from './execution/execution-service.js';
import { createMemoryResultCache, type ResultCache } from './execution/result-cache.js';
import { clientKey } from './middleware/client-key.js';
import { createErrorHandler } from './middleware/error-handler.js';
import { notFound } from './middleware/not-found.js';
import { createRateLimit } from './middleware/rate-limit.js';
import { getRequestId, requestId } from './middleware/request-id.js';
import type { PistonClient } from './piston/piston-client.js';
import { createExecuteRouter } from './routes/execute-routes.js';
import { createHealthRouter, type HealthRouterDeps } from './routes/health-routes.js';
import { createLanguagesRouter } from './routes/languages-routes.js';
import type { RuntimeCache } from './runtimes/runtime-cache.js';

/** Headers browsers may read from cross-origin responses. */
const EXPOSED_HEADERS = [
  'X-Request-Id',
  'X-Cache',
  'RateLimit',
  'RateLimit-Policy',
  'Retry-After',
  'ETag',
];

/** Everything the app needs, built by the composition root (main.ts) or by a test. */
export interface AppDeps {
  config: Config;
  logger: Logger;
  piston: PistonClient;
  runtimes: RuntimeCache;
  /** Result cache to use instead of the in-memory one built from RESULT_CACHE_* settings. */
  resultCache?: ResultCache;
  /** Overrides for the health probe's timing (tests). */
  health?: Omit<HealthRouterDeps, 'runtimes' | 'limiter'>;
}

/** Builds the Express app. It does not listen and keeps no module-level state. */
export function createApp(deps: AppDeps): Express {
  const { config, logger, runtimes } = deps;
  const limiter = createExecutionLimiter({
    maxConcurrent: config.MAX_CONCURRENT_EXECUTIONS,
    maxQueue: config.MAX_QUEUE_SIZE,
    queueTimeoutMs: config.QUEUE_TIMEOUT_MS,
  });
  const resultCache =
    deps.resultCache ??
    (config.RESULT_CACHE_TTL_MS > 0
      ? createMemoryResultCache({
          ttlMs: config.RESULT_CACHE_TTL_MS,
          maxBytes: config.RESULT_CACHE_MAX_BYTES,
        })
      : undefined);
  const execution = createExecutionService({
    client: deps.piston,
    runtimes,
    limits: config,
    limiter,
    ...(resultCache ? { resultCache } : {}),
  });
  const app = express();

  app.disable('x-powered-by');
  // Responses are per request (executions) or carry their own ETag (languages).
  app.set('etag', false);
  // A hop count, never `true`: only the proxies we run may name the client's address.
  app.set('trust proxy', config.TRUST_PROXY);

  app.use(requestId());
  app.use(
    pinoHttp({
      logger,
      genReqId: (_req, res) => getRequestId(res as express.Response) ?? '',
      // Method, path and status only: request and response bodies (code, stdin, output) never
      // reach the logs.
      serializers: {
        req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
          remoteAddress: req.remoteAddress,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      autoLogging: { ignore: (req) => req.url.startsWith('/health') },
    }),
  );
  app.use(
    // The headers an API needs (OWASP REST Security Cheat Sheet); the document-only ones are off.
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      },
      frameguard: { action: 'deny' },
      crossOriginOpenerPolicy: false,
      originAgentCluster: false,
      xDnsPrefetchControl: false,
      xDownloadOptions: false,
      xPermittedCrossDomainPolicies: false,
      xXssProtection: false,
    }),
  );
  app.use(
    cors({
      origin: config.CORS_ORIGINS,
      methods: ['GET', 'POST'],
      allowedHeaders: ['Content-Type', 'Authorization', 'X-API-Key', 'X-Request-Id'],
      exposedHeaders: EXPOSED_HEADERS,
      maxAge: 600,
      optionsSuccessStatus: 204,
    }),
  );
  app.use(compression({ threshold: 1024 }));

  app.use('/health', createHealthRouter({ runtimes, limiter, ...deps.health }));
  app.use('/api', clientKey({ trustProxy: config.TRUST_PROXY, logger }));
  app.use(
    '/api',
    createRateLimit({
      name: 'api',
      windowMs: config.RATE_LIMIT_WINDOW_MS,
      limit: config.RATE_LIMIT_MAX,
      logger,
    }),
  );
  app.use('/api/execute/languages', createLanguagesRouter({ runtimes }));
  app.use(
    '/api/execute',
    createExecuteRouter({
      execution,
      bodyLimit: config.BODY_LIMIT,
      limiter: createRateLimit({
        name: 'execute',
        windowMs: config.EXECUTE_RATE_LIMIT_WINDOW_MS,
        limit: config.EXECUTE_RATE_LIMIT_MAX,
        logger,
      }),
    }),
  );

  app.use(notFound());
  app.use(createErrorHandler(logger));
  return app;
}
