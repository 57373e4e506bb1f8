import type { Redis } from 'ioredis';
import type { ResultCache } from '../execution/result-cache.js';
import type { ExecuteResponse } from '../schemas/execute-response.js';
import type { RedisHealth } from './redis-client.js';

/**
 * The result cache in Redis, shared by every gateway instance. Fail open: when Redis is
 * unreachable a read is a miss and a write is skipped.
 */
export function createRedisResultCache(options: {
  redis: Redis;
  health: RedisHealth;
  prefix: string;
  ttlMs: number;
  maxBytes: number;
}): ResultCache {
  const { redis, health, prefix } = options;
  return {
    async get(key) {
      try {
        const text = await redis.get(`${prefix}${key}`);
        return text === null ? undefined : (JSON.parse(text) as ExecuteResponse);
      } catch (error) {
        health.failed(error, 'result cache read');
        return undefined;
      }
    },
    async set(key, result) {
      const text = JSON.stringify(result);
      // One result may not take more than the whole bound; Redis evicts by its own policy.
      if (text.length > options.maxBytes) return;
      try {
        await redis.set(`${prefix}${key}`, text, 'PX', options.ttlMs);
      } catch (error) {
        health.failed(error, 'result cache write');
      }
    },
  };
}
