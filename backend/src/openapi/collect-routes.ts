import type { Express } from 'express';
import { routeDocsOf, type RouteDoc } from './route-docs.js';

/** The parts of an Express 5 (router 2.x) stack layer read here. */
interface Layer {
  handle?: unknown;
  rawPath?: unknown;
  route?: { path?: unknown; methods?: Record<string, boolean | undefined>; stack?: Layer[] };
}

/** A method and path the app answers, the path in OpenAPI's template form. */
export interface ServedRoute {
  method: string;
  path: string;
}

function stackOf(handle: unknown): Layer[] | undefined {
  const stack = (handle as { stack?: unknown } | undefined)?.stack;
  return Array.isArray(stack) ? (stack as Layer[]) : undefined;
}

function appStack(app: Express): Layer[] {
  return stackOf((app as unknown as { router: unknown }).router) ?? [];
}

/** `/api/run/:language` (Express) as `/api/run/{language}` (OpenAPI), without a trailing slash. */
export function toOpenApiPath(mount: string, path: string): string {
  const joined = `${mount}${path === '/' ? '' : path}`.replace(/\/{2,}/g, '/') || '/';
  return joined.replace(/[:*]([A-Za-z_$][\w$]*)/g, '{$1}');
}

function visit(
  layers: Layer[],
  mount: string,
  onLayer: (layer: Layer, mount: string) => void,
): void {
  for (const layer of layers) {
    onLayer(layer, mount);
    const inner = layer.route ? undefined : stackOf(layer.handle);
    if (!inner) continue;
    // `app.use(['/api/v2/piston', '/api/v2'], router)` serves the router under each path.
    const paths = Array.isArray(layer.rawPath) ? (layer.rawPath as unknown[]) : [layer.rawPath];
    for (const path of paths) {
      if (typeof path === 'string') visit(inner, `${mount}${path === '/' ? '' : path}`, onLayer);
    }
  }
}

/** Every route doc attached to a router or handler the app mounts, in mounting order. */
export function collectRouteDocs(app: Express): RouteDoc[] {
  const docs: RouteDoc[] = [];
  visit(appStack(app), '', (layer) => {
    docs.push(...(routeDocsOf(layer.handle) ?? []));
  });
  return docs;
}

/**
 * Every method and path the app's routers answer, read from the Express 5 router stack. Routes
 * registered with `router.all()` beside routes of their own path are the 405 answers
 * (method_not_allowed) and are left out; an `all()` route alone on its path is listed as `ALL`.
 */
export function listServedRoutes(app: Express): ServedRoute[] {
  const byPath = new Map<string, Set<string>>();
  visit(appStack(app), '', (layer, mount) => {
    const route = layer.route;
    if (!route || typeof route.path !== 'string') return;
    const path = toOpenApiPath(mount, route.path);
    const methods = byPath.get(path) ?? new Set<string>();
    for (const [method, on] of Object.entries(route.methods ?? {})) {
      if (on) methods.add(method === '_all' ? 'ALL' : method.toUpperCase());
    }
    byPath.set(path, methods);
  });
  return [...byPath].flatMap(([path, methods]) => {
    const own = [...methods].filter((method) => method !== 'ALL');
    return (own.length > 0 ? own : [...methods]).map((method) => ({ method, path }));
  });
}
