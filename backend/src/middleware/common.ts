import compression from 'compression';
import cors from 'cors';
import type { Express, RequestHandler } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Metrics } from '../metrics/metrics.js';
import { observeRequests } from './observe-requests.js';

/** Headers browsers may read from cross-origin responses. */
const EXPOSED_HEADERS = [
  'X-Request-Id',
  'X-Cache',
  'RateLimit',
  'RateLimit-Policy',
  'Retry-After',
  'ETag',
  // The outcome of a plain-text run (POST /api/run/:language).
  'X-Exit-Code',
  'X-Signal',
  'X-Status',
  'X-Language',
  'X-Version',
];

/**
 * Request headers a browser page may send cross-origin, named in preflight answers: every header
 * the API reads. A header missing here fails the page's preflight (`If-None-Match` did); add to
 * this list when the API comes to read another. CORS-safelisted headers (`Accept`, ...) need no
 * entry.
 */
export const CORS_ALLOWED_HEADERS = [
  'Content-Type',
  'Content-Encoding',
  'Authorization',
  'X-API-Key',
  'X-Auth-Token',
  'X-Request-Id',
  'If-None-Match',
  'Cache-Control',
  'Last-Event-ID',
] as const;

/**
 * Installs what every request passes through, in order: request id, metrics and access log,
 * security headers, CORS (answering preflights) and compression.
 */
export function useCommonMiddleware(
  app: Express,
  deps: { config: Config; logger: Logger; metrics: Metrics },
): void {
  app.use(observeRequests(deps));
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
  const corsHandler = cors({
    origin: deps.config.CORS_ORIGINS,
    methods: ['GET', 'POST'],
    allowedHeaders: [...CORS_ALLOWED_HEADERS],
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
    optionsSuccessStatus: 204,
  });
  // The API description is public and carries no credentials: any page may read it.
  const publicCorsHandler = cors({
    origin: '*',
    methods: ['GET'],
    allowedHeaders: ['If-None-Match', 'Cache-Control'],
    exposedHeaders: ['ETag', 'X-Request-Id'],
    maxAge: 600,
    optionsSuccessStatus: 204,
  });
  app.use(function corsMiddleware(req, res, next) {
    // Metrics are for scrapers, not browser pages: no CORS headers, whatever the origin.
    if (isMetricsPath(req.path)) next();
    else if (isPath(req.path, PUBLIC_CORS_PATH)) publicCorsHandler(req, res, next);
    else corsHandler(req, res, next);
  });
  app.use(compressWhenAccepted());
}

/**
 * compression, for the requests it can change: one without `Accept-Encoding` (curl, most scripts)
 * is always answered in identity coding by it, yet it would still wrap the response's methods
 * and negotiate for each one, about a tenth of a small execution's CPU (docs/benchmarks.md).
 * Such a response carries no `Vary: Accept-Encoding`; a cache that keeps it may serve it to any
 * client, since every client accepts identity.
 */
function compressWhenAccepted(): RequestHandler {
  const compress = compression({ threshold: 1024 });
  return function compressionMiddleware(req, res, next) {
    if (req.headers['accept-encoding'] === undefined) next();
    else compress(req, res, next);
  };
}

/** The OpenAPI document: CORS for every origin, whatever CORS_ORIGINS says. */
const PUBLIC_CORS_PATH = '/openapi.json';

/** `/metrics` as Express routes it: any letter case, with or without a trailing slash. */
function isMetricsPath(path: string): boolean {
  return isPath(path, '/metrics');
}

/** Whether Express would route this path to `route`: any letter case, an optional `/` after. */
function isPath(path: string, route: string): boolean {
  return path.length <= route.length + 1 && path.toLowerCase().replace(/\/$/, '') === route;
}
