import type { RequestHandler } from 'express';
import { NotFoundError } from '../errors.js';

/**
 * Answers every request no route took with 404 not_found (registered after all routes).
 *
 * @example app.use(notFound());
 */
export function notFound(): RequestHandler {
  return function notFoundMiddleware(req) {
    throw new NotFoundError(`No route for ${req.method} ${req.path}`);
  };
}
