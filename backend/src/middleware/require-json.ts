import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { BadRequestError } from '../errors.js';

/** True for `application/json` and `application/*+json` content types. */
export function isJsonRequest(req: IncomingMessage): boolean {
  const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  return (
    type === 'application/json' || (!!type?.startsWith('application/') && type.endsWith('+json'))
  );
}

/**
 * Answers 415 unsupported_media_type unless the request declares a JSON body.
 *
 * @example router.post('/', requireJson(), express.json(), handler);
 */
export function requireJson(): RequestHandler {
  return function requireJsonMiddleware(req, _res, next) {
    if (!isJsonRequest(req)) {
      throw new BadRequestError(
        'unsupported_media_type',
        'Send a JSON body with Content-Type: application/json',
      );
    }
    next();
  };
}
