import type { RequestHandler } from 'express';
import { NotFoundError } from '../errors.js';
import { shortPath } from './short-path.js';

/**
 * Answers every request no route took with 404 not_found (registered after all routes). The
 * message repeats the path shortened to 200 characters.
 *
 * @example app.use(notFound());
 */
export function notFound(): RequestHandler {
  return function notFoundMiddleware(req) {
    throw new NotFoundError(`No route for ${req.method} ${shortPath(req.path)}`);
  };
}
