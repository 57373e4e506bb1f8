import type { Router } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '../errors.js';
import type { Metrics } from '../metrics/metrics.js';
import { methodNotAllowed } from '../middleware/method-not-allowed.js';
import { createRouter } from './create-router.js';

/**
 * `GET /metrics` in the Prometheus text format. With a token configured, the scraper must send
 * `Authorization: Bearer <token>`; it is compared in constant time.
 */
export function createMetricsRouter(deps: { metrics: Metrics; token?: string }): Router {
  const router = createRouter();
  const expected = deps.token === undefined ? undefined : digest(deps.token);

  router.get('/', async (req, res) => {
    if (expected) {
      const presented = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? '';
      if (!timingSafeEqual(digest(presented), expected)) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
        throw new UnauthorizedError(
          'unauthorized',
          'Send the metrics token as Authorization: Bearer <token>',
        );
      }
    }
    res.setHeader('Content-Type', deps.metrics.registry.contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.send(await deps.metrics.registry.metrics());
  });

  router.all('/', methodNotAllowed('GET'));

  return router;
}

/** Hashing first gives both sides the same length, which timingSafeEqual requires. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
