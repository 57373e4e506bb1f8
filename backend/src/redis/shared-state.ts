import type { Redis } from 'ioredis';
import type { RedisHealth } from './redis-health.js';

/** The Redis connection that makes rate limits and the result cache shared across instances. */
export interface SharedState {
  redis: Redis;
  health: RedisHealth;
}
