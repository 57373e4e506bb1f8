import type { RequestHandler } from 'express';
import type { Metrics } from './metrics.js';

/**
 * Counts every response by method, matched route and status, and times it. Unmatched paths share
 * one label so a scanner cannot blow up the number of series. 429s and 503 overloaded are also
 * counted on their own, from the error code the error handler records.
 *
 * @example app.use(httpMetrics(metrics));
 */
export function httpMetrics(metrics: Metrics): RequestHandler {
  return function httpMetricsMiddleware(req, res, next) {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const routePath = (req.route as { path?: unknown } | undefined)?.path;
      const route =
        typeof routePath === 'string'
          ? `${req.baseUrl}${routePath}`.replace(/(.)\/$/, '$1')
          : 'unmatched';
      const labels = { method: req.method, route, status: String(res.statusCode) };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
      const code: unknown = res.locals.errorCode;
      if (code === 'rate_limited') metrics.rateLimited.inc();
      if (code === 'overloaded') metrics.shed.inc();
    });
    next();
  };
}
