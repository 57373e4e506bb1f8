import type { Express } from 'express';
import type { Logger } from 'pino';
import { closeApp, createApp, type AppDeps } from './app.js';
import { loadApiKeys } from './auth/api-keys.js';
import { pistonHeaders, type Config } from './config.js';
import { createPistonClient } from './piston/piston-client.js';
import { judge0CallbackBody } from './compat/judge0/submission-view.js';
import { createRuntimeCache, type RuntimeCache } from './runtimes/runtime-cache.js';

/** A wired gateway: the app, its runtime cache, and how to release its connections. */
export interface Gateway {
  app: Express;
  runtimes: RuntimeCache;
  /** Closes the connections to Piston and Redis. */
  close(): Promise<void>;
}

/**
 * Wires the gateway's collaborators from a config: the Piston client, the runtime cache, API
 * keys, Redis when REDIS_URL (or SUBMISSIONS_REDIS_URL) is set, and the app. Used by main.ts and by the tests, so both run
 * the same composition. Throws when API_KEYS cannot be loaded.
 */
export async function createGateway(
  config: Config,
  logger: Logger,
  overrides: Pick<AppDeps, 'health' | 'live' | 'liveSocket' | 'submissions'> = {},
): Promise<Gateway> {
  const apiKeys = await loadApiKeys(config.API_KEYS);
  const piston = createPistonClient({
    baseUrl: config.PISTON_URL,
    timeoutMs: config.PISTON_TIMEOUT_MS,
    headers: pistonHeaders(config.PISTON_AUTH_HEADER),
    maxRequestBytes: config.PISTON_MAX_BODY_BYTES,
  });
  const runtimes = createRuntimeCache({
    client: piston,
    ttlMs: config.RUNTIME_CACHE_TTL_MS,
    logger,
  });
  // ioredis and BullMQ are loaded only when configured: a gateway without Redis is 17 MB smaller.
  const shared = config.REDIS_URL
    ? (await import('./redis/redis-client.js')).createRedis(config.REDIS_URL, logger)
    : undefined;
  // Redis mode (#18): submissions, their queue and callback retries shared by every instance,
  // in a Redis of their own when SUBMISSIONS_REDIS_URL names one.
  const submissionsUrl = config.SUBMISSIONS_REDIS_URL ?? config.REDIS_URL;
  const submissions = submissionsUrl
    ? (await import('./submissions/redis-submissions.js')).createRedisSubmissions({
        url: submissionsUrl,
        shared: submissionsUrl === config.REDIS_URL,
        config,
        logger,
        body: judge0CallbackBody,
      })
    : undefined;
  const app = createApp({
    config,
    logger,
    piston,
    runtimes,
    apiKeys,
    ...(shared ? { shared } : {}),
    ...(submissions ? { submissions } : {}),
    ...overrides,
  });
  return {
    app,
    runtimes,
    async close() {
      // Running submissions finish first: they need Piston (and Redis) to record their result.
      await closeApp(app);
      await submissions?.close();
      piston.close();
      await shared?.redis.quit().catch(() => shared.redis.disconnect());
    },
  };
}
