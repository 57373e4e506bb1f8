import { createHash } from 'node:crypto';
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
  refund: (req: Request, res: Response, count?: number) => void;
  /**
   * Counts one hit for a client key outside Express (a WebSocket's run), in the same counters
   * as the handler. Rejects with 429 rate_limited (with `retryAfterSeconds`) past `limit`; else
   * resolves to the refund of that hit, which gives it back only within its window.
   */
  hit: (key: string, limit: number) => Promise<() => void>;
  /**
   * Counts `count` hits at once for one request that needs that many executions (test cases, a
   * batch's run), without the middleware: all of them when they fit what is left of the client's
   * limit, else none (the request is then refused with 429 and nothing is charged). Updates the
   * `RateLimit` headers; `refund` gives them back like the middleware's.
   */
  charge: (req: Request, res: Response, count: number) => Promise<ChargeOutcome>;
  /** What this limiter counted for this request (limit, used), once it ran. */
  counted: (req: Request) => RateLimitInfo | undefined;
}

/** What `charge` decided. */
export type ChargeOutcome = { allowed: true } | { allowed: false; error: RateLimitedError };

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
  /** Gives `count` hits back, only within the window they were counted in. */
  const giveBackInWindow = (key: string, resetTime: Date | undefined, count = 1) => {
    if (!resetTime || Date.now() >= resetTime.getTime()) return;
    void giveBack(store, key, count);
  };
  const charge = createCharge(options, countProperty);
  return Object.assign(handler, {
    counted: (req: Request) =>
      (req as unknown as Record<string, RateLimitInfo | undefined>)[countProperty],
    refund: (req: Request, res: Response, count = 1) => {
      const counted = (req as unknown as Record<string, RateLimitInfo | undefined>)[countProperty];
      giveBackInWindow(getClientKey(res), counted?.resetTime, count);
    },
    hit: async (key: string, max: number) => {
      let counted: Awaited<ReturnType<Store['increment']>>;
      try {
        counted = await store.increment(key);
      } catch (error) {
        // As the handler does: a shared store that fails lets the client through.
        if (shared) return () => undefined;
        throw error;
      }
      if (counted.totalHits > max) {
        const wait = counted.resetTime
          ? counted.resetTime.getTime() - Date.now()
          : options.windowMs;
        const seconds = Math.max(1, Math.ceil(wait / 1000));
        throw new RateLimitedError(`Too many requests; try again in ${seconds} seconds`, {
          retryAfterSeconds: seconds,
        });
      }
      return () => giveBackInWindow(key, counted.resetTime);
    },
    charge,
  });
}

/** `charge` of a limiter: `count` increments of the store, taken back when they do not fit. */
function createCharge(options: RateLimitOptions, countProperty: string) {
  const { store, limit, name, windowMs } = options;
  const shared = !store.localKeys;
  return async function charge(req: Request, res: Response, count: number): Promise<ChargeOutcome> {
    if (count <= 0) return { allowed: true };
    const key = getClientKey(res);
    const max = typeof limit === 'number' ? limit : limit(res);
    let hits: Awaited<ReturnType<Store['increment']>> | undefined;
    try {
      for (let i = 0; i < count; i += 1) hits = await store.increment(key);
    } catch (error) {
      // As the middleware does: a shared store that fails lets the request through.
      if (shared) return { allowed: true };
      throw error;
    }
    const used = hits?.totalHits ?? count;
    const resetTime = hits?.resetTime;
    const resetSeconds = resetTime
      ? Math.max(0, Math.ceil((resetTime.getTime() - Date.now()) / 1000))
      : Math.ceil(windowMs / 1000);
    const allowed = used <= max;
    if (!allowed) await giveBack(store, key, count);
    // Refused, the hits are given back: what is left is what was left before.
    const left = Math.max(max - (allowed ? used : used - count), 0);
    const info: RateLimitInfo = { limit: max, used, remaining: left, resetTime, key };
    setHeaders(res, name, info, windowMs, resetSeconds);
    if (allowed) {
      (req as unknown as Record<string, RateLimitInfo>)[countProperty] = info;
      return { allowed: true };
    }
    const message = `This needs ${count} executions and ${left} are left; try again in ${resetSeconds} seconds`;
    return {
      allowed: false,
      error: new RateLimitedError(message, { retryAfterSeconds: resetSeconds }),
    };
  };
}

/** Decrements the store `count` times; a store that fails reports it itself (as with refund). */
async function giveBack(store: Store, key: string, count: number): Promise<void> {
  try {
    for (let i = 0; i < count; i += 1) await store.decrement(key);
  } catch {
    // The hits are then lost until the window ends.
  }
}

/**
 * The IETF draft-8 `RateLimit` and `RateLimit-Policy` headers, as express-rate-limit writes them
 * (its partition key is the first 12 hex digits of the key's SHA-256, in base64), replacing the
 * ones the middleware or an earlier charge of the same limiter wrote.
 */
function setHeaders(
  res: Response,
  name: string,
  info: RateLimitInfo,
  windowMs: number,
  resetSeconds: number,
): void {
  if (res.headersSent) return;
  const partition = Buffer.from(
    createHash('sha256').update(info.key).digest('hex').slice(0, 12),
  ).toString('base64');
  const mine = (value: string) => value.startsWith(`"${name}";`);
  const others = (header: string) =>
    [res.getHeader(header) ?? []]
      .flat()
      .map(String)
      .filter((value) => !mine(value));
  res.setHeader('RateLimit', [
    ...others('RateLimit'),
    `"${name}"; r=${info.remaining}; t=${resetSeconds}`,
  ]);
  res.setHeader('RateLimit-Policy', [
    ...others('RateLimit-Policy'),
    `"${name}"; q=${info.limit}; w=${Math.ceil(windowMs / 1000)}; pk=:${partition}:`,
  ]);
}
