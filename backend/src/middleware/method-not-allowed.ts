import type { RequestHandler } from 'express';
import { MethodNotAllowedError } from '../errors.js';

/**
 * Answers a known path asked with a method it does not serve (`GET /api/execute`) with 405
 * method_not_allowed and an `Allow` header, instead of the 404 an unknown path gets. Register
 * it after the path's own routes; a request with an allowed method passes through.
 *
 * @example router.all('/', methodNotAllowed('POST'));
 */
export function methodNotAllowed(...allowed: string[]): RequestHandler {
  // Express answers HEAD with a GET route, so a GET path serves both.
  const allow = allowed.includes('GET') ? [...allowed, 'HEAD'] : allowed;
  const header = allow.join(', ');
  return function methodNotAllowedMiddleware(req, res, next) {
    if (allow.includes(req.method)) {
      next();
      return;
    }
    const path = `${req.baseUrl}${req.path === '/' ? '' : req.path}` || '/';
    res.setHeader('Allow', header);
    throw new MethodNotAllowedError(
      `${req.method} is not allowed on ${path}; use ${allowed.join(' or ')}`,
    );
  };
}
