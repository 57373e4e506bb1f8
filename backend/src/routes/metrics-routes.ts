import type { RequestHandler, Router } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '../errors.js';
import type { Metrics } from '../metrics/metrics.js';
import { methodNotAllowed } from '../middleware/method-not-allowed.js';
import { defineRoutes } from '../openapi/route-docs.js';
import { createRouter } from './create-router.js';

export interface MetricsRouterDeps {
  metrics: Metrics;
  /** METRICS_TOKEN: the scraper must send `Authorization: Bearer <token>`. */
  token: string;
  /**
   * Runs for a wrong or missing token before the 401: the client's rate limit, so guessing the
   * token runs into 429 like any other flood. A right token is never counted.
   */
  throttle: RequestHandler[];
}

/** `GET /metrics` in the OpenAPI document (only when the public port serves it). */
export const METRICS_ROUTE_DOCS = defineRoutes([
  {
    method: 'get',
    path: '/metrics',
    operationId: 'getMetrics',
    summary: 'Prometheus metrics (with METRICS_TOKEN set)',
    description:
      'Served on the public port only when METRICS_TOKEN is set; otherwise on the metrics port (METRICS_PORT), which this document does not describe. A wrong token counts against the `/api` rate limit.',
    tags: ['Operations'],
    protection: 'metrics-token',
    responses: {
      200: {
        description: 'The Prometheus text exposition format.',
        headers: ['Cache-Control'],
        content: {
          mediaType: 'text/plain; version=0.0.4; charset=utf-8',
          examples: {
            sample: {
              summary: 'Two lines of it',
              value:
                '# TYPE gateway_http_requests_total counter\ngateway_http_requests_total{method="GET",route="/health",status="200"} 3\n',
            },
          },
        },
      },
    },
    errors: [],
  },
]);

/**
 * `GET /metrics` in the Prometheus text format on the public port, for deployments that cannot
 * reach the metrics port (METRICS_PORT). It requires the token, compared in constant time.
 */
export function createMetricsRouter(deps: MetricsRouterDeps): Router {
  const router = createRouter(METRICS_ROUTE_DOCS);
  const expected = digest(deps.token);

  router.get(
    '/',
    function checkMetricsToken(req, _res, next) {
      const presented = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? '';
      // A wrong token goes on to the next route: counted, then refused.
      next(timingSafeEqual(digest(presented), expected) ? undefined : 'route');
    },
    async (_req, res) => {
      res.setHeader('Content-Type', deps.metrics.registry.contentType);
      res.setHeader('Cache-Control', 'no-store');
      res.send(await deps.metrics.registry.metrics());
    },
  );
  router.get('/', ...deps.throttle, function refuseMetricsToken(_req, res) {
    res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
    throw new UnauthorizedError(
      'unauthorized',
      'Send the metrics token as Authorization: Bearer <token>',
    );
  });

  router.all('/', methodNotAllowed('GET'));

  return router;
}

/** Hashing first gives both sides the same length, which timingSafeEqual requires. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
