import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server.js';
import { buildTestApp, type TestApp } from '../support/build-test-app.js';

let t: TestApp | undefined;
let running: RunningServer | undefined;
afterEach(async () => {
  await running?.shutdown();
  await t?.close();
  running = undefined;
  t = undefined;
});

const silent = { info: () => undefined, warn: () => undefined };

function post(port: number, body: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        port,
        host: '127.0.0.1',
        method: 'POST',
        path: '/api/execute',
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('startServer', () => {
  it('when started, then it guards against slow clients with timeouts', async () => {
    t = await buildTestApp();
    running = await startServer(t.app, { ...t.config, PORT: 0 }, silent);

    expect(running.server.headersTimeout).toBeGreaterThan(0);
    expect(running.server.requestTimeout).toBeGreaterThan(
      t.config.COMPILE_TIMEOUT_MS + t.config.MAX_RUN_TIMEOUT_MS,
    );
    expect(running.server.keepAliveTimeout).toBeGreaterThan(60_000);
  });

  it('when shutting down, then in-flight executions finish and new connections are refused', async () => {
    t = await buildTestApp({}, { delayMs: 300 });
    running = await startServer(t.app, { ...t.config, PORT: 0 }, silent);
    const { port } = running;

    const inFlight = post(port, { language: 'python', code: 'print("Hello, World!")' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closed = running.shutdown();
    const late = post(port, { language: 'python', code: 'x' }).catch(
      (error: unknown) => (error as NodeJS.ErrnoException).code,
    );

    const result = await inFlight;
    await closed;

    expect(result.status).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ output: 'Hello, World!\n' });
    expect(await late).toBe('ECONNREFUSED');
  });

  it('when a request outlives SHUTDOWN_TIMEOUT_MS, then shutdown still completes', async () => {
    t = await buildTestApp();
    t.fake.behave('execute', { kind: 'hang' });
    running = await startServer(t.app, { ...t.config, PORT: 0, SHUTDOWN_TIMEOUT_MS: 200 }, silent);

    const stuck = post(running.port, { language: 'python', code: 'x' }).catch(() => 'closed');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await running.shutdown();

    expect(Date.now() - started).toBeLessThan(2000);
    expect(await stuck).toBe('closed');
  });
});
