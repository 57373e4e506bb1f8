// What the gateway knows of its shared-state Redis, without loading a Redis client: a gateway
// without REDIS_URL never loads ioredis (gateway.ts imports redis-client.ts only when it is set).

/**
 * Tells the operator once per episode (not once per request) that shared state is not working:
 * Redis unreachable, or Redis full (it refuses writes at its `maxmemory` under the `noeviction`
 * policy, so no counter can count). The first call that works again ends the episode.
 */
export interface RedisHealth {
  /** Records a failed Redis call; logs only the first failure of an episode. */
  failed(error: unknown, what: string): void;
  /**
   * Records a Redis call that worked; ends an episode of failures, saying so once. A full Redis
   * still answers reads, so only a write ends that episode.
   */
  succeeded(call: 'read' | 'write'): void;
  up(): boolean;
  /** Whether shared state works now: `unreachable` and `full` last until a call works again. */
  state(): RedisState;
  /** Failed calls so far, for metrics. */
  errorCount(): number;
}

export const REDIS_STATES = ['working', 'unreachable', 'full'] as const;
export type RedisState = (typeof REDIS_STATES)[number];
