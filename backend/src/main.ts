import { config as loadDotenv } from 'dotenv';
import { createApp } from './app.js';
import { loadApiKeys, type ApiKey } from './auth/api-keys.js';
import { ConfigError, loadConfig, pistonHeaders, type Config } from './config.js';
import { createLogger } from './logger.js';
import { createPistonClient } from './piston/piston-client.js';
import { createRedis } from './redis/redis-client.js';
import { createRuntimeCache } from './runtimes/runtime-cache.js';
import { startServer } from './server.js';

/** The composition root: the only place that reads process.env, listens and handles signals. */
async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  let apiKeys: ApiKey[];
  try {
    apiKeys = await loadApiKeys(config.API_KEYS);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }

  const logger = createLogger(config.LOG_LEVEL);
  const piston = createPistonClient({
    baseUrl: config.PISTON_URL,
    timeoutMs: config.PISTON_TIMEOUT_MS,
    headers: pistonHeaders(config.PISTON_AUTH_HEADER),
  });
  const runtimes = createRuntimeCache({
    client: piston,
    ttlMs: config.RUNTIME_CACHE_TTL_MS,
    logger,
  });
  const shared = config.REDIS_URL ? createRedis(config.REDIS_URL, logger) : undefined;
  const app = createApp({
    config,
    logger,
    piston,
    runtimes,
    apiKeys,
    ...(shared ? { shared } : {}),
  });
  const running = await startServer(app, config, logger);
  logger.info({ port: running.port }, 'gateway listening');

  // Warm the runtime cache so the first request and /health have a list; failure is not fatal.
  runtimes.refresh().then(
    (list) => logger.info({ runtimes: list.length }, 'runtime list loaded'),
    (error: unknown) => logger.warn({ err: error }, 'Piston is not answering yet'),
  );

  const stop = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'signal received');
    running
      .shutdown()
      .then(async () => {
        piston.close();
        await shared?.redis.quit().catch(() => undefined);
      })
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection');
  });
}

await main();
