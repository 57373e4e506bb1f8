import compression from 'compression';
import cors from 'cors';
import type { Express, Response } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { Config } from '../config.js';
import { httpMetrics } from '../metrics/http-metrics.js';
import type { Metrics } from '../metrics/metrics.js';
import { getRequestId, requestId } from './request-id.js';

/** Headers browsers may read from cross-origin responses. */
const EXPOSED_HEADERS = [
  'X-Request-Id',
  'X-Cache',
  'RateLimit',
  'RateLimit-Policy',
  'Retry-After',
  'ETag',
];

/**
 * Installs what every request passes through, in order: request id, metrics, access log,
 * security headers, CORS (answering preflights) and compression.
 */
export function useCommonMiddleware(
  app: Express,
  deps: { config: Config; logger: Logger; metrics: Metrics },
): void {
  app.use(requestId());
  app.use(httpMetrics(deps.metrics));
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (_req, res) => getRequestId(res as Response) ?? '',
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
      customLogLevel: (_req, res, err) => {
        if (err || (res.statusCode >= 500 && res.locals.errorCode !== 'overloaded')) return 'error';
        return res.statusCode >= 400 ? 'warn' : 'info';
      },
      autoLogging: {
        ignore: (req) => req.url.startsWith('/health') || req.url.startsWith('/metrics'),
      },
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
      origin: deps.config.CORS_ORIGINS,
      methods: ['GET', 'POST'],
      allowedHeaders: ['Content-Type', 'Authorization', 'X-API-Key', 'X-Request-Id'],
      exposedHeaders: EXPOSED_HEADERS,
      maxAge: 600,
      optionsSuccessStatus: 204,
    }),
  );
  app.use(compression({ threshold: 1024 }));
}
