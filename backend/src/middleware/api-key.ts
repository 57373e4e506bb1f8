import type { RequestHandler, Response } from 'express';
import { createKeyLookup, type ApiKey } from '../auth/api-keys.js';
import { UnauthorizedError } from '../errors.js';

export interface ApiKeyOptions {
  keys: readonly ApiKey[];
  /** When true, requests without a key are refused (401 api_key_required). */
  required: boolean;
}

/**
 * Identifies callers that present an API key (`Authorization: Bearer <key>` or `X-API-Key`), so
 * rate limits apply per key with the key's own limit instead of per IP. An unknown key is 401
 * `invalid_api_key`; with `required`, a missing key is 401 `api_key_required`.
 *
 * @example app.use('/api', apiKeyAuth({ keys, required: false }));
 */
export function apiKeyAuth(options: ApiKeyOptions): RequestHandler {
  const lookup = createKeyLookup(options.keys);
  return function apiKeyMiddleware(req, res, next) {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '')?.[1];
    const presented = bearer ?? req.get('x-api-key');
    if (presented === undefined || presented === '') {
      if (options.required) {
        // A 401 names the scheme to use (RFC 9110 §11.6.1).
        res.setHeader('WWW-Authenticate', 'Bearer realm="api"');
        throw new UnauthorizedError(
          'api_key_required',
          'An API key is required: send Authorization: Bearer <key> or X-API-Key',
        );
      }
      next();
      return;
    }
    const key = lookup(presented);
    if (!key) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="api", error="invalid_token"');
      throw new UnauthorizedError('invalid_api_key', 'The API key is not valid');
    }
    res.locals.apiKey = key;
    next();
  };
}

/** The API key this request authenticated with, if any. */
export function getApiKey(res: Response): ApiKey | undefined {
  return res.locals.apiKey as ApiKey | undefined;
}
