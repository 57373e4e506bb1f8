import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** The one policy BullMQ works with: a full Redis refuses writes instead of dropping keys. */
const QUEUE_POLICY = 'noeviction';

/**
 * The `maxmemory_policy` Redis reports in `INFO memory` (which, unlike CONFIG, managed Redis
 * services allow), or undefined when it does not say.
 */
async function evictionPolicy(redis: Redis): Promise<string | undefined> {
  try {
    return /^maxmemory_policy:(\S+)/m.exec(await redis.info('memory'))?.[1];
  } catch {
    return undefined;
  }
}

/**
 * Warns once at start-up when the submissions' Redis may evict keys when full: BullMQ requires
 * `maxmemory-policy noeviction` (its "Going to production" guide), or a queued job or a stored
 * submission can vanish. `shared`: the same Redis holds the rate limits and result cache, which
 * want `allkeys-lru`, so the way out is a Redis of the queue's own.
 */
export async function warnIfSubmissionsCanBeEvicted(
  redis: Redis,
  logger: Pick<Logger, 'warn'>,
  shared: boolean,
): Promise<void> {
  const policy = await evictionPolicy(redis);
  if (policy === undefined || policy === QUEUE_POLICY) return;
  logger.warn(
    { policy },
    shared
      ? `Redis evicts keys when full (maxmemory-policy ${policy}) and also holds the submission queue, which can then lose queued submissions; give the queue a Redis of its own with maxmemory-policy noeviction (SUBMISSIONS_REDIS_URL)`
      : `The submissions' Redis (SUBMISSIONS_REDIS_URL) evicts keys when full (maxmemory-policy ${policy}), so it can lose queued submissions; set maxmemory-policy noeviction, as BullMQ requires`,
  );
}
