import type { RequestHandler, Response } from 'express';
import { createKeyLookup, type ApiKey } from '../auth/api-keys.js';
import { UnauthorizedError } from '../errors.js';

export interface ApiKeyOptions {
  keys: readonly ApiKey[];
  /** When true, requests without a key are refused (401 api_key_required). */
  required: boolean;
}

const AUTH_FAILURE = 'authFailure';

/** Why a request's credentials were refused, and the challenge its 401 carries. */
interface AuthFailure {
  error: UnauthorizedError;
  challenge: string;
}

/**
 * Identifies callers that present an API key (`Authorization: Bearer <key>`, `X-API-Key` or Judge0's `X-Auth-Token`), so
 * rate limits apply per key with the key's own limit instead of per IP. An unknown key (and,
 * with `required`, a missing one) is only noted here: refuseFailedAuth() answers it 401, after the
 * /api rate limit has counted the request against the client's address, so guessing keys runs
 * into 429 like any other flood.
 *
 * @example app.use('/api', apiKeyAuth({ keys, required: false }), clientKey(...), limiter, refuseFailedAuth());
 */
export function apiKeyAuth(options: ApiKeyOptions): RequestHandler {
  const lookup = createKeyLookup(options.keys);
  return function apiKeyMiddleware(req, res, next) {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '')?.[1];
    // X-Auth-Token is Judge0's header (#18): its clients present the same keys with it.
    const presented = bearer ?? req.get('x-api-key') ?? req.get('x-auth-token');
    if (presented === undefined || presented === '') {
      if (options.required) {
        fail(res, {
          // A 401 names the scheme to use (RFC 9110 §11.6.1).
          challenge: 'Bearer realm="api"',
          error: new UnauthorizedError(
            'api_key_required',
            'An API key is required: send Authorization: Bearer <key> or X-API-Key',
          ),
        });
      }
      next();
      return;
    }
    const key = lookup(presented);
    if (key) res.locals.apiKey = key;
    else {
      fail(res, {
        challenge: 'Bearer realm="api", error="invalid_token"',
        error: new UnauthorizedError('invalid_api_key', 'The API key is not valid'),
      });
    }
    next();
  };
}

/**
 * Answers 401 for the request apiKeyAuth() refused; registered after the rate limit.
 *
 * @example app.use('/api', limiter, refuseFailedAuth());
 */
export function refuseFailedAuth(): RequestHandler {
  return function refuseFailedAuthMiddleware(_req, res, next) {
    const failure = res.locals[AUTH_FAILURE] as AuthFailure | undefined;
    if (!failure) {
      next();
      return;
    }
    res.setHeader('WWW-Authenticate', failure.challenge);
    throw failure.error;
  };
}

function fail(res: Response, failure: AuthFailure): void {
  res.locals[AUTH_FAILURE] = failure;
}

/** The API key this request authenticated with, if any. */
export function getApiKey(res: Response): ApiKey | undefined {
  return res.locals.apiKey as ApiKey | undefined;
}
