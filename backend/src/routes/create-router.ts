import { Router, type Response } from 'express';
import { attachRouteDocs, type RouteDoc } from '../openapi/route-docs.js';

const MOUNT_PATH = 'mountPath';

/**
 * An Express Router that remembers where it is mounted. A request that leaves a router with an
 * error (a 400, a 429, a 503) has its `req.baseUrl` restored to the parent's by the time the
 * response closes, which would label the route `/` in the HTTP metrics instead of
 * `/api/execute`; the remembered mount path keeps the label right. `docs` describe the router's
 * routes for the OpenAPI document (`GET /openapi.json`), which finds them on the mounted router.
 *
 * @example const router = createRouter(USAGE_ROUTE_DOCS); router.get('/', handler);
 */
export function createRouter(docs: readonly RouteDoc[] = []): Router {
  const router = attachRouteDocs(Router(), docs);
  router.use(function rememberMountPath(req, res, next) {
    res.locals[MOUNT_PATH] = req.baseUrl;
    next();
  });
  return router;
}

/** Where the router that served this request is mounted, if it was made by createRouter(). */
export function getMountPath(res: Response): string | undefined {
  const path: unknown = res.locals[MOUNT_PATH];
  return typeof path === 'string' ? path : undefined;
}
