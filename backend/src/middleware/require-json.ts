import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { BadRequestError } from '../errors.js';
import { declaredCharset } from './json-text.js';

/** True for `application/json` and `application/*+json` content types. */
export function isJsonRequest(req: IncomingMessage): boolean {
  const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  return (
    type === 'application/json' || (!!type?.startsWith('application/') && type.endsWith('+json'))
  );
}

/**
 * Answers 415 unsupported_media_type unless the request declares a JSON body in UTF-8 (no
 * charset, `charset=utf-8`, or its subset `us-ascii`).
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
    if (declaredCharset(req.headers['content-type']) === undefined) {
      throw new BadRequestError(
        'unsupported_media_type',
        'Send the JSON body as UTF-8 (Content-Type: application/json; charset=utf-8)',
      );
    }
    next();
  };
}
