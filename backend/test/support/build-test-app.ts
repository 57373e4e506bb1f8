import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createApp, type AppDeps } from '../../src/app.js';
import { loadApiKeys } from '../../src/auth/api-keys.js';
import { loadConfig, pistonHeaders, type Config } from '../../src/config.js';
import { createPistonClient } from '../../src/piston/piston-client.js';
import { createRedis } from '../../src/redis/redis-client.js';
import { createRuntimeCache } from '../../src/runtimes/runtime-cache.js';
import { startFakePiston, type FakePiston, type FakePistonOptions } from './fake-piston-server.js';

/** Config for tests: defaults, generous rate limits, then the test's own settings. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    RATE_LIMIT_MAX: '100000',
    EXECUTE_RATE_LIMIT_MAX: '100000',
    PISTON_TIMEOUT_MS: '2000',
    ...env,
  });
}

/** Collects JSON log lines in memory so tests can assert on them. */
export function memoryLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

export interface TestApp {
  app: ReturnType<typeof createApp>;
  fake: FakePiston;
  config: Config;
  runtimes: ReturnType<typeof createRuntimeCache>;
  logs: string[];
  close(): Promise<void>;
}

/** Starts a fake Piston and builds the real app against it over real HTTP. */
export async function buildTestApp(
  env: Record<string, string> = {},
  fakeOptions: FakePistonOptions = {},
  appOptions: Pick<AppDeps, 'health'> = {},
): Promise<TestApp> {
  const fake = await startFakePiston(fakeOptions);
  const config = testConfig({ PISTON_URL: fake.url, ...env });
  const { logger, lines } = memoryLogger();
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
  const apiKeys = await loadApiKeys(config.API_KEYS);
  const shared = config.REDIS_URL ? createRedis(config.REDIS_URL, logger) : undefined;
  const app = createApp({
    config,
    logger,
    piston,
    runtimes,
    apiKeys,
    ...(shared ? { shared } : {}),
    ...appOptions,
  });
  return {
    app,
    fake,
    config,
    runtimes,
    logs: lines,
    close: async () => {
      piston.close();
      shared?.redis.disconnect();
      await fake.close();
    },
  };
}
