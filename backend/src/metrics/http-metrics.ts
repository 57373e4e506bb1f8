import type { Request, Response } from 'express';
import { getMountPath } from '../routes/create-router.js';
import type { Metrics } from './metrics.js';

/**
 * Every route the gateway serves, as the HTTP metrics label it: the route's pattern, whatever
 * letter case the client used (Express routes `/HEALTH` to `/health`). Anything else is `other`,
 * so the number of series stays fixed whatever clients send. Add a route here when adding one.
 */
export const ROUTE_LABELS = [
  '/api/execute',
  '/api/execute/languages',
  '/api/usage',
  '/health',
  '/health/ready',
  '/metrics',
  '/judge0/languages',
  '/judge0/languages/:id',
  '/judge0/statuses',
  '/judge0/about',
  '/judge0/config_info',
  '/judge0/submissions',
  '/judge0/submissions/batch',
  '/judge0/submissions/:token',
] as const;

/** The methods labelled by name; any other method a client sends is `other`. */
export const METHOD_LABELS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** The label shared by every request outside the fixed sets above. */
export const OTHER_LABEL = 'other';

const ROUTES: ReadonlySet<string> = new Set(ROUTE_LABELS);
const METHODS: ReadonlySet<string> = new Set(METHOD_LABELS);

/**
 * Counts one finished response by method, matched route pattern and status, and records its
 * duration. 429s and 503 overloaded are also counted on their own, from the error code the error
 * handler records.
 */
export function recordHttpRequest(
  metrics: Metrics,
  req: Request,
  res: Response,
  seconds: number,
): void {
  const labels = {
    method: METHODS.has(req.method) ? req.method : OTHER_LABEL,
    route: routeLabel(req, res),
    status: String(res.statusCode),
  };
  metrics.httpRequests.inc(labels);
  metrics.httpDuration.observe(labels, seconds);
  const code: unknown = res.locals.errorCode;
  if (code === 'rate_limited') metrics.rateLimited.inc();
  if (code === 'overloaded') metrics.shed.inc();
}

/**
 * The pattern of the route that took the request, or `other`. The mount path is the text the
 * client sent (`/Api/Execute`), so it is lower-cased before it is looked up among the patterns.
 */
function routeLabel(req: Request, res: Response): string {
  const routePath = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof routePath !== 'string') return OTHER_LABEL;
  const path = `${getMountPath(res) ?? req.baseUrl}${routePath}`.replace(/(.)\/$/, '$1');
  const pattern = path.toLowerCase();
  return ROUTES.has(pattern) ? pattern : OTHER_LABEL;
}
