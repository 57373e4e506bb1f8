import { request as httpRequest } from 'node:http';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestServers } from '../support/build-test-app.js';

const { app, serve } = useTestServers();

// Distinct programs: identical ones would share one execution (coalescing), not queue.
let counter = 0;
const program = () => ({ language: 'python', code: `print(${++counter})` });

/** Sends an execution over a raw connection and closes it after `afterMs`, before any answer. */
async function abandonExecution(port: number, body: object, afterMs: number): Promise<void> {
  const abandoned = httpRequest({
    port,
    host: '127.0.0.1',
    method: 'POST',
    path: '/api/execute',
    headers: { 'content-type': 'application/json' },
  });
  abandoned.on('error', () => undefined);
  abandoned.end(JSON.stringify(body));
  await new Promise((resolve) => setTimeout(resolve, afterMs));
  abandoned.destroy();
}

describe('POST /api/execute under overload', () => {
  it('when the slots and the queue are full, then the next request is a fast 503 overloaded', async () => {
    const t = await app(
      { MAX_CONCURRENT_EXECUTIONS: '1', MAX_QUEUE_SIZE: '1', QUEUE_TIMEOUT_MS: '5000' },
      { delayMs: 300 },
    );
    await t.runtimes.refresh();
    const gateway = t.app;

    const first = request(gateway)
      .post('/api/execute')
      .send(program())
      .then((r) => r);
    const second = request(gateway)
      .post('/api/execute')
      .send(program())
      .then((r) => r);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    const shed = await request(gateway).post('/api/execute').send(program());
    const shedMs = Date.now() - started;

    expect(shed.status).toBe(503);
    expect(shed.body.code).toBe('overloaded');
    expect(Number(shed.headers['retry-after'])).toBeGreaterThan(0);
    expect(shedMs).toBeLessThan(250);
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    expect(t.fake.executeCalls()).toHaveLength(2);
  });

  it('when a request waits past QUEUE_TIMEOUT_MS, then it is a 503 overloaded', async () => {
    const t = await app(
      { MAX_CONCURRENT_EXECUTIONS: '1', MAX_QUEUE_SIZE: '5', QUEUE_TIMEOUT_MS: '100' },
      { delayMs: 400 },
    );
    await t.runtimes.refresh();

    const [first, second] = await Promise.all([
      request(t.app).post('/api/execute').send(program()),
      request(t.app).post('/api/execute').send(program()),
    ]);

    expect([first.status, second.status].sort()).toEqual([200, 503]);
    expect(t.fake.executeCalls()).toHaveLength(1);
  });

  it('when executions are in flight and queued, then /health reports the counts', async () => {
    const t = await app({ MAX_CONCURRENT_EXECUTIONS: '1', MAX_QUEUE_SIZE: '4' }, { delayMs: 300 });
    await t.runtimes.refresh();

    const pending = [1, 2, 3].map(() =>
      request(t.app)
        .post('/api/execute')
        .send(program())
        .then((r) => r),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const health = await request(t.app).get('/health');
    await Promise.all(pending);
    const after = await request(t.app).get('/health');

    expect(health.body.executions).toEqual({
      inFlight: 1,
      queued: 2,
      maxConcurrent: 1,
      maxQueue: 4,
    });
    expect(after.body.executions).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it('when a client disconnects while its runtime is being resolved, then nothing reaches Piston', async () => {
    // No runtimes cached yet: the request waits for GET /runtimes, which the fake delays.
    const t = await app({}, { delayMs: 300 });
    const { port } = await serve(t);

    await abandonExecution(port, program(), 100);
    await new Promise((resolve) => setTimeout(resolve, 700));

    expect(t.fake.requests.some((r) => r.path.endsWith('/runtimes'))).toBe(true);
    expect(t.fake.executeCalls()).toHaveLength(0);
  });

  it('when a client disconnects while queued, then its request never reaches Piston', async () => {
    const t = await app({ MAX_CONCURRENT_EXECUTIONS: '1', MAX_QUEUE_SIZE: '4' }, { delayMs: 300 });
    await t.runtimes.refresh();
    const running = await serve(t);
    const port = running.port;

    const first = request(t.app)
      .post('/api/execute')
      .send(program())
      .then((r) => r);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await abandonExecution(port, { language: 'python', code: 'print("abandoned")' }, 80);
    await first;
    await new Promise((resolve) => setTimeout(resolve, 400));

    const contents = t.fake
      .executeCalls()
      .map((call) => (call.body as { files: { content: string }[] }).files[0]?.content);
    expect(contents).not.toContain('print("abandoned")');
    expect(contents).toHaveLength(1);
  });
});
