import type { Request, Response } from 'express';
import { getMountPath } from '../routes/create-router.js';
import type { Metrics } from './metrics.js';

/**
 * Counts one finished response by method, matched route and status, and records its duration.
 * Unmatched paths share one label so a scanner cannot blow up the number of series. 429s and
 * 503 overloaded are also counted on their own, from the error code the error handler records.
 */
export function recordHttpRequest(
  metrics: Metrics,
  req: Request,
  res: Response,
  seconds: number,
): void {
  const routePath = (req.route as { path?: unknown } | undefined)?.path;
  const route =
    typeof routePath === 'string'
      ? `${getMountPath(res) ?? req.baseUrl}${routePath}`.replace(/(.)\/$/, '$1')
      : 'unmatched';
  const labels = { method: req.method, route, status: String(res.statusCode) };
  metrics.httpRequests.inc(labels);
  metrics.httpDuration.observe(labels, seconds);
  const code: unknown = res.locals.errorCode;
  if (code === 'rate_limited') metrics.rateLimited.inc();
  if (code === 'overloaded') metrics.shed.inc();
}
