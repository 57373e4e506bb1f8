import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ResultCache } from '../execution/result-cache.js';
import {
  PistonExecuteResponseSchema,
  type PistonExecuteResponse,
} from '../piston/piston-schemas.js';
import type { RedisHealth } from './redis-health.js';

/**
 * The result cache in Redis, shared by every gateway instance. Fail open: when Redis is
 * unreachable a read is a miss and a write is skipped.
 *
 * Entries (Piston's answers) are checked against Piston's response schema when read: one that does not parse (written
 * by another version of the gateway during a rolling upgrade, or damaged) is a miss, is deleted
 * and is logged; it says nothing about Redis being down.
 */
export function createRedisResultCache(options: {
  redis: Redis;
  health: RedisHealth;
  logger: Pick<Logger, 'warn'>;
  prefix: string;
  ttlMs: number;
  maxBytes: number;
}): ResultCache {
  const { redis, health, prefix } = options;
  return {
    async get(key) {
      let text: string | null;
      try {
        text = await redis.get(`${prefix}${key}`);
        health.succeeded('read');
      } catch (error) {
        health.failed(error, 'result cache read');
        return undefined;
      }
      if (text === null) return undefined;
      const result = parseCachedResult(text);
      if (!result) {
        options.logger.warn({ key }, 'result cache: dropped an entry in Redis that does not parse');
        redis.del(`${prefix}${key}`).catch((error: unknown) => {
          health.failed(error, 'result cache delete');
        });
      }
      return result;
    },
    async set(key, result) {
      const text = JSON.stringify(result);
      // One result may not take more than the whole bound; Redis evicts by its own policy.
      if (text.length > options.maxBytes) return;
      try {
        await redis.set(`${prefix}${key}`, text, 'PX', options.ttlMs);
        health.succeeded('write');
      } catch (error) {
        health.failed(error, 'result cache write');
      }
    },
  };
}

function parseCachedResult(text: string): PistonExecuteResponse | undefined {
  try {
    const parsed = PistonExecuteResponseSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
