import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** How long one Redis command may take before the gateway carries on without it. */
const COMMAND_TIMEOUT_MS = 500;

/** Tells the operator once per outage (not once per request) that Redis is unreachable. */
export interface RedisHealth {
  /** Records a failed Redis call; logs only the first failure of an outage. */
  failed(error: unknown, what: string): void;
  up(): boolean;
  /** Failed calls so far, for metrics. */
  errorCount(): number;
}

/**
 * Connects to Redis for shared state. Commands fail fast while disconnected (no offline queue,
 * a short timeout), so a Redis outage costs a request nothing but the shared state: the callers
 * fail open. ioredis reconnects by itself with backoff.
 */
export function createRedis(
  url: string,
  logger: Pick<Logger, 'warn' | 'info'>,
): { redis: Redis; health: RedisHealth } {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: 2_000,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2_000),
  });
  let outage = false;
  let errors = 0;
  const health: RedisHealth = {
    failed(error, what) {
      errors += 1;
      if (outage) return;
      outage = true;
      logger.warn(
        { err: error },
        `Redis unavailable (${what}): serving without shared rate limits and result cache until it returns`,
      );
    },
    up: () => redis.status === 'ready',
    errorCount: () => errors,
  };
  redis.on('ready', () => {
    if (outage) logger.info('Redis is back: shared rate limits and result cache restored');
    outage = false;
  });
  // Connection errors are reported through failed calls; without a listener ioredis would throw.
  redis.on('error', (error) => {
    if (!outage) health.failed(error, 'connection');
  });
  return { redis, health };
}
