import type { IncrementResponse, Options, Store } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import type { RedisHealth } from './redis-health.js';

/**
 * A rate-limit store in Redis, so every gateway instance counts against one limit. It wraps
 * rate-limit-redis so that a store whose scripts could not be loaded (Redis down at start-up)
 * loads them again on the next call instead of failing forever; failures are reported once per
 * outage and the limiter passes the request (fail open).
 */
export class ResilientRedisStore implements Store {
  /** Counters live in Redis, shared by every instance, not in this process. */
  readonly localKeys = false;
  private readonly inner: RedisStore;
  private options: Options | undefined;
  private ready: Promise<void> | undefined;

  constructor(
    redis: Redis,
    readonly prefix: string,
    private readonly health: RedisHealth,
  ) {
    this.inner = new RedisStore({
      prefix,
      sendCommand: (command: string, ...args: string[]) =>
        redis.call(command, ...args) as Promise<RedisReply>,
    });
  }

  init(options: Options): void {
    this.options = options;
    this.ready = this.load();
  }

  async get(key: string) {
    return this.guard('rate limit read', 'read', () => this.inner.get(key));
  }

  async increment(key: string): Promise<IncrementResponse> {
    return this.guard('rate limit increment', 'write', () => this.inner.increment(key));
  }

  async decrement(key: string): Promise<void> {
    await this.guard('rate limit decrement', 'write', () => this.inner.decrement(key));
  }

  async resetKey(key: string): Promise<void> {
    await this.guard('rate limit reset', 'write', () => this.inner.resetKey(key));
  }

  private load(): Promise<void> {
    if (!this.options) return Promise.reject(new Error('store used before init'));
    const loading = this.inner.init(this.options);
    // Swallow here so an early failure is not an unhandled rejection; guard() retries it.
    loading.catch(() => undefined);
    return loading;
  }

  private async guard<T>(what: string, kind: 'read' | 'write', call: () => Promise<T>): Promise<T> {
    try {
      await (this.ready ?? this.load());
    } catch {
      this.ready = this.load();
      await this.ready.catch((error: unknown) => {
        this.health.failed(error, what);
        throw error;
      });
    }
    try {
      const result = await call();
      this.health.succeeded(kind);
      return result;
    } catch (error) {
      this.health.failed(error, what);
      throw error;
    }
  }
}
