import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/build-test-app.js';
import { freePort } from '../support/free-port.js';
import { scrapeMetrics } from '../support/scrape-metrics.js';
import { waitFor } from '../support/wait-for.js';

const REDIS_URL = process.env.REDIS_URL;
const HAS_REDIS_SERVER = spawnSync('redis-server', ['--version']).status === 0;
if (!REDIS_URL) {
  console.log('redis tests skipped: REDIS_URL is not set (.ci/run starts a Redis and sets it)');
}
if (!HAS_REDIS_SERVER) {
  console.log('Redis outage test skipped: no redis-server binary on PATH (.ci/run installs it)');
}

let apps: TestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.map((a) => a.close()));
  apps = [];
});

/** A gateway instance on Redis; instances built with the same prefix share their state. */
async function instance(redisUrl: string, prefix: string, env: Record<string, string> = {}) {
  const t = await buildTestApp({ REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix, ...env });
  apps.push(t);
  await waitFor(() => scrapeMetrics(t.app).then((text) => /^gateway_redis_up 1$/m.test(text)));
  return t;
}

let n = 0;
const program = () => ({ language: 'python', code: `print(${++n})` });
const hello = { language: 'python', code: 'print("Hello, World!")' };

describe.skipIf(!REDIS_URL)('two gateway instances on one Redis', () => {
  it('when clients spread over both instances, then they share one execution limit', async () => {
    const prefix = `test:${randomUUID()}:`;
    const a = await instance(REDIS_URL!, prefix, { EXECUTE_RATE_LIMIT_MAX: '3' });
    const b = await instance(REDIS_URL!, prefix, { EXECUTE_RATE_LIMIT_MAX: '3' });

    const statuses = [];
    for (const t of [a, b, a, b]) {
      statuses.push((await request(t.app).post('/api/execute').send(program())).status);
    }

    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('when a request has tests, then each counts against the shared execution limit, all or none', async () => {
    const prefix = `test:${randomUUID()}:`;
    const a = await instance(REDIS_URL!, prefix, { EXECUTE_RATE_LIMIT_MAX: '3' });
    const b = await instance(REDIS_URL!, prefix, { EXECUTE_RATE_LIMIT_MAX: '3' });
    const tests = (count: number) =>
      Array.from({ length: count }, (_v, i) => ({ stdin: `${i}`, expectedOutput: 'ok' }));

    const two = await request(a.app)
      .post('/api/execute')
      .send({ ...program(), tests: tests(2) });
    const tooMany = await request(b.app)
      .post('/api/execute')
      .send({ ...program(), tests: tests(2) });
    const one = await request(b.app).post('/api/execute').send(program());

    expect([two.status, tooMany.status, one.status]).toEqual([200, 429, 200]);
    expect(b.fake.executeCalls()).toHaveLength(1);
  });

  it('when one instance executed a program, then the other answers it from the shared cache', async () => {
    const prefix = `test:${randomUUID()}:`;
    const a = await instance(REDIS_URL!, prefix, { RESULT_CACHE_TTL_MS: '60000' });
    const b = await instance(REDIS_URL!, prefix, { RESULT_CACHE_TTL_MS: '60000' });

    const first = await request(a.app).post('/api/execute').send(hello);
    const second = await request(b.app).post('/api/execute').send(hello);

    expect(first.headers['x-cache']).toBe('MISS');
    expect(second.headers['x-cache']).toBe('HIT');
    expect(second.body).toEqual(first.body);
    expect(b.fake.executeCalls()).toHaveLength(0);
  });
});

describe.skipIf(!REDIS_URL)('executions that never ran, with counters in Redis', () => {
  it('when Piston cannot be reached, then the shared execution counter is given back', async () => {
    const prefix = `test:${randomUUID()}:`;
    const t = await instance(REDIS_URL!, prefix, { EXECUTE_RATE_LIMIT_MAX: '2' });
    await t.runtimes.refresh();
    t.fake.behave('execute', { kind: 'reset' });

    const codes = [];
    for (let i = 0; i < 3; i += 1) {
      codes.push((await request(t.app).post('/api/execute').send(program())).body.code);
    }
    const usage = await request(t.app).get('/api/usage');

    expect(codes).toEqual(['upstream_unavailable', 'upstream_unavailable', 'upstream_unavailable']);
    expect(usage.body.limits[1]).toMatchObject({ name: 'execute', remaining: 2 });
  });

  it('when the window rolled over while the request waited, then nothing is given back (no counter without expiry is left)', async () => {
    const prefix = `test:${randomUUID()}:`;
    const t = await instance(REDIS_URL!, prefix, {
      EXECUTE_RATE_LIMIT_WINDOW_MS: '1000',
      MAX_CONCURRENT_EXECUTIONS: '1',
      QUEUE_TIMEOUT_MS: '1300',
    });
    await t.runtimes.refresh();
    t.fake.behave('execute', { kind: 'hang' });
    const direct = new Redis(REDIS_URL!);

    // Holds the one slot until the app is closed after the test.
    void request(t.app)
      .post('/api/execute')
      .send(program())
      .then(
        (r) => r,
        () => undefined,
      );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const queued = await request(t.app).post('/api/execute').send(program());
    await new Promise((resolve) => setTimeout(resolve, 100));
    const keys = await direct.keys(`${prefix}rl:execute:*`);
    const ttls = await Promise.all(keys.map((key) => direct.pttl(key)));
    direct.disconnect();

    expect(queued.body.code).toBe('overloaded');
    // -1 would be a key DECR created after the window's key expired: never expiring.
    expect(ttls.filter((ttl) => ttl === -1)).toEqual([]);
  }, 10_000);
});

describe.skipIf(!REDIS_URL)('a result in Redis that does not parse', () => {
  it.each([
    ['is not JSON', '{"success":tr'],
    ['has another shape (another gateway version)', JSON.stringify({ stdout: 'Hello' })],
  ])(
    'when the stored entry %s, then it is a miss, replaced, and Redis still counts as up',
    async (_what, stored) => {
      const prefix = `test:${randomUUID()}:`;
      const t = await instance(REDIS_URL!, prefix, { RESULT_CACHE_TTL_MS: '60000' });
      await request(t.app).post('/api/execute').send(hello).expect(200);
      const direct = new Redis(REDIS_URL!);
      const keys = await direct.keys(`${prefix}result:*`);
      await Promise.all(keys.map((key) => direct.set(key, stored, 'PX', 60_000)));

      const after = await request(t.app).post('/api/execute').send(hello);
      const again = await request(t.app).post('/api/execute').send(hello);
      const metrics = await scrapeMetrics(t.app);
      const health = await request(t.app).get('/health');
      direct.disconnect();

      expect(keys).toHaveLength(1);
      expect(after.status).toBe(200);
      expect(after.headers['x-cache']).toBe('MISS');
      expect(after.body.output).toBe('Hello, World!\n');
      expect(again.headers['x-cache']).toBe('HIT');
      expect(t.fake.executeCalls()).toHaveLength(2);
      expect(metrics).toMatch(/^gateway_redis_up 1$/m);
      expect(metrics).toMatch(/^gateway_redis_errors_total 0$/m);
      expect(metrics).toMatch(/^gateway_redis_state\{state="working"\} 1$/m);
      expect(health.body.redis).toEqual({ state: 'working' });
      expect(t.logs.some((line) => line.includes('does not parse'))).toBe(true);
      expect(t.logs.some((line) => line.includes('Redis unavailable'))).toBe(false);
    },
  );
});

describe.skipIf(!HAS_REDIS_SERVER)('a Redis outage', () => {
  let server: ChildProcess | undefined;
  afterEach(() => {
    server?.kill('SIGKILL');
    server = undefined;
  });

  /** A Redis of the test's own, which it may kill or fill. */
  async function startRedis(port: number, settings: string[] = []): Promise<void> {
    server = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        ...settings,
      ],
      { stdio: 'ignore' },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
  }

  it('when Redis stalls without dropping the connection, then the stall and its end are logged once', async () => {
    const port = await freePort();
    await startRedis(port, ['--enable-debug-command', 'yes']);
    const t = await instance(`redis://127.0.0.1:${port}`, 'stall:', {
      RESULT_CACHE_TTL_MS: '60000',
    });
    const direct = new Redis(`redis://127.0.0.1:${port}`);
    // Longer than the gateway's 500 ms command timeout; the connection stays open.
    const stall = direct.call('DEBUG', 'SLEEP', '1.5');
    await new Promise((resolve) => setTimeout(resolve, 100));

    const during = await Promise.all(
      [1, 2].map(() => request(t.app).post('/api/execute').send(program())),
    );
    await stall;
    const after = await request(t.app).post('/api/execute').send(program());
    direct.disconnect();

    expect(during.map((r) => r.status)).toEqual([200, 200]);
    expect(t.logs.filter((line) => line.includes('Redis unavailable'))).toHaveLength(1);
    expect(after.headers.ratelimit).toContain('"execute"');
    expect(t.logs.filter((line) => line.includes('Redis is back'))).toHaveLength(1);
  }, 20_000);

  it('when Redis is full and refuses writes, then executions go on and the log says why, once', async () => {
    const port = await freePort();
    await startRedis(port, ['--maxmemory', '4mb', '--maxmemory-policy', 'noeviction']);
    const t = await instance(`redis://127.0.0.1:${port}`, 'full:', {
      RESULT_CACHE_TTL_MS: '60000',
      EXECUTE_RATE_LIMIT_MAX: '2',
    });
    // Warned at start-up, before anything went wrong.
    await waitFor(() => Promise.resolve(t.logs.some((line) => line.includes('(noeviction)'))));
    const direct = new Redis(`redis://127.0.0.1:${port}`);
    // One script may pass maxmemory; every write after it is refused with OOM.
    await direct.eval(
      "for i = 1, 60000 do redis.call('set', 'filler:' .. i, string.rep('x', 100)) end",
      0,
    );

    const during = await Promise.all(
      [1, 2, 3].map(() => request(t.app).post('/api/execute').send(program())),
    );
    const metricsDuring = await scrapeMetrics(t.app);
    await direct.flushall();
    const after = await request(t.app).post('/api/execute').send(program());
    direct.disconnect();

    // Fail open: three executions against a limit of two, none counted.
    expect(during.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(metricsDuring).toMatch(/^gateway_redis_errors_total [1-9]/m);
    // Connected, but not working: the state says why.
    expect(metricsDuring).toMatch(/^gateway_redis_up 1$/m);
    expect(metricsDuring).toMatch(/^gateway_redis_state\{state="full"\} 1$/m);
    expect(metricsDuring).toMatch(/^gateway_redis_state\{state="working"\} 0$/m);
    expect(t.logs.filter((line) => line.includes('Redis is full'))).toHaveLength(1);
    expect(t.logs.some((line) => line.includes('Redis unavailable'))).toBe(false);
    expect(after.headers.ratelimit).toContain('"execute"');
    expect(t.logs.some((line) => line.includes('Redis is back'))).toBe(true);
    expect(await scrapeMetrics(t.app)).toMatch(/^gateway_redis_state\{state="working"\} 1$/m);
  }, 20_000);

  it('when Redis dies mid-test, then executions keep working, and sharing resumes when it returns', async () => {
    const port = await freePort();
    await startRedis(port);
    const t = await instance(`redis://127.0.0.1:${port}`, 'outage:', {
      RESULT_CACHE_TTL_MS: '60000',
      EXECUTE_RATE_LIMIT_MAX: '1000',
    });
    await request(t.app).post('/api/execute').send(hello).expect(200);

    server?.kill('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const during = await Promise.all(
      [1, 2, 3].map(() => request(t.app).post('/api/execute').send(program())),
    );
    const metricsDuring = await scrapeMetrics(t.app);
    const healthDuring = await request(t.app).get('/health');

    expect(during.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(healthDuring.status).toBe(200);
    expect(healthDuring.body.redis).toEqual({ state: 'unreachable' });
    // Fail open: no shared counter answered, so no limit was applied or reported.
    expect(during.every((r) => !(r.headers.ratelimit ?? '').includes('"execute"'))).toBe(true);
    expect(metricsDuring).toMatch(/^gateway_redis_up 0$/m);
    expect(metricsDuring).toMatch(/^gateway_redis_state\{state="unreachable"\} 1$/m);
    expect(metricsDuring).toMatch(/^gateway_redis_errors_total [1-9]/m);
    expect(t.logs.filter((line) => line.includes('Redis unavailable'))).toHaveLength(1);

    await startRedis(port);
    await waitFor(() => scrapeMetrics(t.app).then((text) => /^gateway_redis_up 1$/m.test(text)));
    const again = await request(t.app).post('/api/execute').send(hello);
    const cached = await request(t.app).post('/api/execute').send(hello);

    expect(again.headers['x-cache']).toBe('MISS');
    expect(cached.headers['x-cache']).toBe('HIT');
    // The rate-limit store reloaded its scripts into the new Redis and counts again.
    expect(again.headers.ratelimit).toContain('"execute"');
    expect(t.logs.some((line) => line.includes('Redis is back'))).toBe(true);
  }, 20_000);
});
