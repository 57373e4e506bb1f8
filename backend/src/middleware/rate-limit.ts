import type { Request, Response } from 'express';
import {
  rateLimit,
  type RateLimitInfo,
  type RateLimitRequestHandler,
  type Store,
} from 'express-rate-limit';
import type { Logger } from 'pino';
import { RateLimitedError } from '../errors.js';
import { getClientKey } from './client-key.js';

export interface RateLimitOptions {
  /** Names the policy in the `RateLimit` / `RateLimit-Policy` headers. */
  name: string;
  windowMs: number;
  /** A fixed limit, or one per response (e.g. an API key's own limit). */
  limit: number | ((res: Response) => number);
  logger: Pick<Logger, 'warn' | 'error' | 'debug'>;
  /** Where the counters live: this process (MemoryStore) or shared by every instance (Redis). */
  store: Store;
}

/** A limiter that can also give back the hit it counted for a request. */
export interface RefundableRateLimit extends RateLimitRequestHandler {
  /**
   * Gives back the hit counted for this request, only within the window it was counted in:
   * after the window rolled over the counter is a new one (and in Redis a DECR would create a
   * key without expiry). Nothing is given back when nothing was counted (a store that failed
   * open). A store that fails here reports it itself (Redis health); the refund is then lost.
   */
  refund: (req: Request, res: Response) => void;
  /** What this limiter counted for this request (limit, used), once it ran. */
  counted: (req: Request) => RateLimitInfo | undefined;
}

/**
 * A per-client rate limiter (keyed by clientKey()) that sends the standard `RateLimit` headers (IETF draft 8) and,
 * when exceeded, `Retry-After` plus the usual JSON error body (429 rate_limited), with
 * `refund` to give a counted hit back.
 *
 * @example app.use('/api', createRateLimit({ name: 'api', windowMs: 60_000, limit: 100, logger }));
 */
export function createRateLimit(options: RateLimitOptions): RefundableRateLimit {
  const { limit, store } = options;
  const shared = !store.localKeys;
  const countProperty = `rateLimit:${options.name}`;
  const handler = rateLimit({
    identifier: options.name,
    // Each limiter's count under its own name: the two limiters would overwrite `req.rateLimit`.
    requestPropertyName: countProperty,
    windowMs: options.windowMs,
    limit: typeof limit === 'number' ? limit : (_req, res) => limit(res),
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (_req, res) => getClientKey(res),
    // A shared store that cannot be reached lets requests through (fail open) rather than
    // refusing everyone; the store reports the outage.
    store,
    passOnStoreError: shared,
    logger: {
      warn: (error, message) => {
        options.logger.warn({ err: error }, message ?? 'rate limiter warning');
      },
      error: (error, message) => {
        // A shared store reports its own outages, once; passing each request is not news.
        if (shared) options.logger.debug({ err: error }, message ?? 'rate limiter error');
        else options.logger.error({ err: error }, message ?? 'rate limiter error');
      },
    },
    handler(_req, res, next) {
      const retryAfter = Number(res.getHeader('Retry-After'));
      const when = Number.isFinite(retryAfter) ? ` in ${retryAfter} seconds` : ' later';
      next(new RateLimitedError(`Too many requests; try again${when}`));
    },
  });
  return Object.assign(handler, {
    counted: (req: Request) =>
      (req as unknown as Record<string, RateLimitInfo | undefined>)[countProperty],
    refund: (req: Request, res: Response) => {
      const counted = (req as unknown as Record<string, RateLimitInfo | undefined>)[countProperty];
      if (!counted?.resetTime || Date.now() >= counted.resetTime.getTime()) return;
      (async () => {
        await store.decrement(getClientKey(res));
      })().catch(() => undefined);
    },
  });
}
