import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisHealth, RedisState } from './redis-health.js';

/** How long one Redis command may take before the gateway carries on without it. */
const COMMAND_TIMEOUT_MS = 500;

/** Redis's answer to a write it refuses because memory is at `maxmemory` (noeviction). */
const isOutOfMemory = (error: unknown) => error instanceof Error && error.message.startsWith('OOM');

/**
 * Connects to Redis for shared state. Commands fail fast while disconnected (no offline queue,
 * a short timeout), so a Redis outage costs a request nothing but the shared state: the callers
 * fail open. ioredis reconnects by itself with backoff. On the first connection it warns when
 * Redis is set up to refuse writes once full, which would turn the rate limits off.
 */
export function createRedis(
  url: string,
  logger: Pick<Logger, 'warn' | 'info' | 'error'>,
): { redis: Redis; health: RedisHealth } {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: 2_000,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2_000),
  });
  let state: RedisState = 'working';
  let errors = 0;
  const health: RedisHealth = {
    failed(error, what) {
      errors += 1;
      const kind = isOutOfMemory(error) ? 'full' : 'unreachable';
      if (state === kind) return;
      state = kind;
      if (kind === 'full') {
        logger.error(
          { err: error },
          `Redis is full (${what}): at its maxmemory it refuses writes, so rate limits are not enforced and results are not cached; set maxmemory-policy allkeys-lru`,
        );
      } else {
        logger.warn(
          { err: error },
          `Redis unavailable (${what}): serving without shared rate limits and result cache until it returns`,
        );
      }
    },
    succeeded(call) {
      if (state === 'working' || (state === 'full' && call === 'read')) return;
      state = 'working';
      logger.info('Redis is back: shared rate limits and result cache restored');
    },
    up: () => redis.status === 'ready',
    state: () => state,
    errorCount: () => errors,
  };
  // A (re)connection ends an outage; a full Redis stays full until a write succeeds.
  redis.on('ready', () => {
    health.succeeded('read');
  });
  redis.once('ready', () => {
    void warnIfWritesCanBeRefused(redis, logger);
  });
  // Connection errors are reported through failed calls; without a listener ioredis would throw.
  redis.on('error', (error) => {
    if (state !== 'unreachable') health.failed(error, 'connection');
  });
  return { redis, health };
}

/**
 * A Redis with a `maxmemory` and the `noeviction` policy refuses every write once full: the
 * rate-limit counters stop counting and the limits fail open. Managed Redis services often
 * forbid CONFIG; then there is nothing to check.
 */
async function warnIfWritesCanBeRefused(redis: Redis, logger: Pick<Logger, 'warn'>) {
  try {
    const [, policy] = await redis.config('GET', 'maxmemory-policy');
    const [, maxmemory] = await redis.config('GET', 'maxmemory');
    if (policy === 'noeviction' && Number(maxmemory) > 0) {
      logger.warn(
        { maxmemory: Number(maxmemory), policy },
        'Redis refuses writes once it reaches maxmemory (noeviction): rate limits would stop being enforced; set maxmemory-policy allkeys-lru (and give the submission queue, which needs noeviction, a Redis of its own: SUBMISSIONS_REDIS_URL)',
      );
    }
  } catch {
    // CONFIG disabled or not allowed for this user.
  }
}
