import { request as httpRequest } from 'node:http';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestServers } from '../support/build-test-app.js';
import { waitFor } from '../support/wait-for.js';

const { app, serve } = useTestServers();

// Distinct programs: identical ones would share one execution (coalescing), not queue.
let counter = 0;
const program = () => ({ language: 'python', code: `print(${++counter})` });

/**
 * Sends an execution over a raw connection and closes it before any answer: after `after` ms, or
 * once `after()` holds (polled; a fixed sleep can be too short on a loaded machine).
 */
async function abandonExecution(
  port: number,
  body: object,
  after: number | (() => Promise<boolean>),
): Promise<void> {
  const abandoned = httpRequest({
    port,
    host: '127.0.0.1',
    method: 'POST',
    path: '/api/execute',
    headers: { 'content-type': 'application/json' },
  });
  abandoned.on('error', () => undefined);
  abandoned.end(JSON.stringify(body));
  if (typeof after === 'number') await new Promise((resolve) => setTimeout(resolve, after));
  else await waitFor(after, { intervalMs: 10, message: 'the abandoned request did not arrive' });
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
    // Each job holds its slot for 1.5 s, so the state below lasts long enough to be seen on a
    // loaded machine; polled, not slept for, so a slow start cannot miss it.
    const t = await app(
      {
        MAX_CONCURRENT_EXECUTIONS: '1',
        MAX_QUEUE_SIZE: '4',
        QUEUE_TIMEOUT_MS: '10000',
        PISTON_TIMEOUT_MS: '5000',
      },
      { delayMs: 1500 },
    );
    await t.runtimes.refresh();

    const pending = [1, 2, 3].map(() =>
      request(t.app)
        .post('/api/execute')
        .send(program())
        .then((r) => r),
    );
    let health = await request(t.app).get('/health');
    await waitFor(
      async () => {
        health = await request(t.app).get('/health');
        return health.body.executions.queued === 2;
      },
      { timeoutMs: 1400, message: 'three executions were not in flight and queued' },
    );
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

describe('POST /api/execute when clients hang up mid-run', () => {
  it('when clients hang up while their jobs run, then their slots stay taken until Piston answers', async () => {
    const t = await app(
      {
        MAX_CONCURRENT_EXECUTIONS: '2',
        MAX_QUEUE_SIZE: '10',
        QUEUE_TIMEOUT_MS: '10000',
        PISTON_TIMEOUT_MS: '5000',
      },
      { delayMs: 3000 },
    );
    await t.runtimes.refresh();
    const { port } = await serve(t);
    const executions = async () => {
      const health = await request(t.app).get('/health');
      const { inFlight, queued } = health.body.executions as { inFlight: number; queued: number };
      return inFlight + queued;
    };

    // One after another, each client hanging up once the gateway holds its request (running
    // on Piston or queued for a slot).
    for (let i = 0; i < 6; i += 1) {
      const before = await executions();
      await abandonExecution(port, program(), async () => (await executions()) > before);
    }
    await waitFor(async () => {
      const health = await request(t.app).get('/health');
      const { inFlight, queued } = health.body.executions as { inFlight: number; queued: number };
      return inFlight === 0 && queued === 0 && t.fake.jobsRunning() === 0;
    });

    expect(t.fake.peakJobs()).toBeLessThanOrEqual(2);
    expect(t.fake.executeCalls().length).toBeGreaterThanOrEqual(1);
  });

  it('when the client hangs up, then the run finishes and its result serves the next identical request', async () => {
    const t = await app({ RESULT_CACHE_TTL_MS: '60000' }, { delayMs: 300 });
    await t.runtimes.refresh();
    const { port } = await serve(t);
    const body = program();

    await abandonExecution(port, body, () => Promise.resolve(t.fake.jobsRunning() === 1));
    await waitFor(() =>
      Promise.resolve(t.fake.executeCalls().length === 1 && t.fake.jobsRunning() === 0),
    );
    await waitFor(async () => {
      const health = await request(t.app).get('/health');
      return (health.body.executions as { inFlight: number }).inFlight === 0;
    });
    const again = await request(t.app).post('/api/execute').send(body);

    expect(again.status).toBe(200);
    expect(again.headers['x-cache']).toBe('HIT');
    expect(t.fake.executeCalls()).toHaveLength(1);
  });
});

describe('the execution quota when an execution never ran', () => {
  /** What GET /api/usage says is left of the caller's execution limit. */
  async function executionsLeft(gateway: Parameters<typeof request>[0]): Promise<number> {
    const usage = await request(gateway).get('/api/usage');
    return (usage.body.limits as { name: string; remaining: number }[]).find(
      (limit) => limit.name === 'execute',
    )!.remaining;
  }

  it('when requests are shed (503 overloaded), then they are not charged to the client', async () => {
    const t = await app(
      { EXECUTE_RATE_LIMIT_MAX: '4', MAX_CONCURRENT_EXECUTIONS: '1', MAX_QUEUE_SIZE: '1' },
      { delayMs: 300 },
    );
    await t.runtimes.refresh();

    const running = [1, 2].map(() =>
      request(t.app)
        .post('/api/execute')
        .send(program())
        .then((r) => r.status),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const shed = [];
    for (let i = 0; i < 5; i += 1) {
      shed.push((await request(t.app).post('/api/execute').send(program())).status);
    }

    expect(shed).toEqual([503, 503, 503, 503, 503]);
    expect(await Promise.all(running)).toEqual([200, 200]);
    expect(await executionsLeft(t.app)).toBe(2);
    expect((await request(t.app).post('/api/execute').send(program())).status).toBe(200);
  });

  it('when Piston cannot be reached (503 upstream_unavailable), then the client is not charged', async () => {
    const t = await app({ EXECUTE_RATE_LIMIT_MAX: '2' });
    await t.runtimes.refresh();
    t.fake.behave('execute', { kind: 'reset' });

    for (let i = 0; i < 3; i += 1) {
      const res = await request(t.app).post('/api/execute').send(program());
      expect(res.body.code).toBe('upstream_unavailable');
    }

    expect(await executionsLeft(t.app)).toBe(2);
  });

  it('when Piston ran out of time (504) or the client hung up mid-run, then the execution is charged', async () => {
    const t = await app({
      EXECUTE_RATE_LIMIT_MAX: '5',
      PISTON_TIMEOUT_MS: '100',
      COMPILE_TIMEOUT_MS: '100',
      RUN_TIMEOUT_MS: '100',
    });
    await t.runtimes.refresh();
    t.fake.behave('execute', { kind: 'hang' });
    const { port } = await serve(t);

    const timedOut = await request(t.app).post('/api/execute').send(program());
    await abandonExecution(port, program(), 100);
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(timedOut.body.code).toBe('upstream_timeout');
    expect(t.fake.executeCalls()).toHaveLength(2);
    expect(await executionsLeft(t.app)).toBe(3);
  });
});
