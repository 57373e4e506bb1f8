import request from 'supertest';
import { afterEach } from 'vitest';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { AppDeps } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createGateway, type Gateway } from '../../src/gateway.js';
import { startServer, type RunningServer } from '../../src/server.js';
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
  app: Gateway['app'];
  fake: FakePiston;
  config: Config;
  runtimes: Gateway['runtimes'];
  logs: string[];
  close(): Promise<void>;
}

/** `POST /api/execute` with a JSON body, through supertest. */
export function postExecute(t: TestApp, body: unknown) {
  return request(t.app)
    .post('/api/execute')
    .send(body as object);
}

/** Starts a fake Piston and builds the real app against it over real HTTP. */
export async function buildTestApp(
  env: Record<string, string> = {},
  fakeOptions: FakePistonOptions = {},
  appOptions: Pick<AppDeps, 'health' | 'live' | 'liveSocket' | 'submissions'> = {},
): Promise<TestApp> {
  const fake = await startFakePiston(fakeOptions);
  const config = testConfig({ PISTON_URL: fake.url, ...env });
  const { logger, lines } = memoryLogger();
  const gateway = await createGateway(config, logger, appOptions);
  return {
    app: gateway.app,
    fake,
    config,
    runtimes: gateway.runtimes,
    logs: lines,
    close: async () => {
      await gateway.close();
      await fake.close();
    },
  };
}

/**
 * For a test file: returns a builder of test apps that are all closed after each test.
 *
 * @example const app = useTestApps(); it('...', async () => { const t = await app({ RATE_LIMIT_MAX: '1' }); });
 */
export function useTestApps(): typeof buildTestApp {
  const open: TestApp[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((t) => t.close()));
  });
  return async (...args) => {
    const t = await buildTestApp(...args);
    open.push(t);
    return t;
  };
}

/** The server's own start/stop lines are not what the tests look at. */
const SILENT = { info: () => undefined, warn: () => undefined };

/**
 * For a test file whose tests need a listening server: returns `app` (as useTestApps) and
 * `serve`, which starts the real server for an app on a free port. After each test every server
 * is shut down first, then every app is closed.
 *
 * @example const { app, serve } = useTestServers(); const t = await app(); const { port } = await serve(t);
 */
export function useTestServers() {
  const apps: TestApp[] = [];
  const servers: RunningServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.shutdown()));
    await Promise.all(apps.splice(0).map((t) => t.close()));
  });
  return {
    app: async (...args: Parameters<typeof buildTestApp>) => {
      const t = await buildTestApp(...args);
      apps.push(t);
      return t;
    },
    serve: async (
      t: TestApp,
      settings: Partial<Pick<Config, 'SHUTDOWN_TIMEOUT_MS'>> = {},
      logger: Partial<Record<keyof typeof SILENT, (...args: unknown[]) => unknown>> = {},
    ) => {
      const running = await startServer(
        t.app,
        { ...t.config, PORT: 0, ...settings },
        { ...SILENT, ...logger },
      );
      servers.push(running);
      return running;
    },
  };
}
