import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestApps, type TestApp } from '../support/build-test-app.js';

const app = useTestApps();
let t: TestApp | undefined;

const hello = { language: 'python', code: 'print("Hello, World!")' };
const XX_ANSWER = {
  run: { stdout: '', stderr: 'box failed', code: null, signal: null, status: 'XX', message: 'x' },
  language: 'python',
  version: '3.11.2',
};

describe('result cache', () => {
  it('when the same request comes twice, then the second is a HIT that does not reach Piston', async () => {
    t = await app({ RESULT_CACHE_TTL_MS: '60000' });

    const first = await request(t.app).post('/api/execute').send(hello);
    const second = await request(t.app)
      .post('/api/execute')
      .send({ ...hello, language: 'py' });

    expect(first.headers['x-cache']).toBe('MISS');
    expect(second.headers['x-cache']).toBe('HIT');
    expect(second.body).toEqual(first.body);
    expect(t.fake.executeCalls()).toHaveLength(1);
  });

  it('when a newer version is installed, then the same body text runs on it, not on what it was prepared for before', async () => {
    t = await app({ RESULT_CACHE_TTL_MS: '60000' });
    await request(t.app).post('/api/execute').send(hello).expect(200);
    const before = await request(t.app).post('/api/execute').send(hello);

    t.fake.runtimes.push({ language: 'python', version: '3.12.0', aliases: ['py'] });
    await t.runtimes.refresh();
    const after = await request(t.app).post('/api/execute').send(hello);

    expect(before.headers['x-cache']).toBe('HIT');
    expect(after.headers['x-cache']).toBe('MISS');
    expect(t.fake.executeCalls().map((call) => (call.body as { version: string }).version)).toEqual(
      ['3.11.2', '3.12.0'],
    );
  });

  it('when every execution slot is busy, then a HIT is still answered', async () => {
    t = await app(
      { RESULT_CACHE_TTL_MS: '60000', MAX_CONCURRENT_EXECUTIONS: '1', MAX_QUEUE_SIZE: '0' },
      { delayMs: 300 },
    );
    await request(t.app).post('/api/execute').send(hello).expect(200);

    const busy = request(t.app)
      .post('/api/execute')
      .send({ language: 'python', code: 'print(2)' })
      .then((r) => r);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const hit = await request(t.app).post('/api/execute').send(hello);
    const shed = await request(t.app)
      .post('/api/execute')
      .send({ language: 'python', code: 'print(3)' });

    expect(hit.status).toBe(200);
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(shed.body.code).toBe('overloaded');
    expect((await busy).status).toBe(200);
  });

  it('when a client has used its execution limit, then HITs are still answered and do not count', async () => {
    t = await app({ RESULT_CACHE_TTL_MS: '60000', EXECUTE_RATE_LIMIT_MAX: '1' });
    const miss = await request(t.app).post('/api/execute').send(hello);

    const hits = await Promise.all(
      [1, 2, 3].map(() => request(t!.app).post('/api/execute').send(hello)),
    );
    const usage = await request(t.app).get('/api/usage');
    const other = await request(t.app)
      .post('/api/execute')
      .send({ language: 'python', code: 'print(2)' });

    expect(miss.headers.ratelimit).toContain('"execute"; r=0');
    expect(hits.map((r) => [r.status, r.headers['x-cache']])).toEqual([
      [200, 'HIT'],
      [200, 'HIT'],
      [200, 'HIT'],
    ]);
    // A HIT carries only the /api policy: the execution counter was not touched.
    expect(hits.every((r) => !(r.headers.ratelimit ?? '').includes('"execute"'))).toBe(true);
    expect(usage.body.limits.find((l: { name: string }) => l.name === 'execute')).toMatchObject({
      limit: 1,
      remaining: 0,
    });
    expect(other.status).toBe(429);
    expect(other.body.code).toBe('rate_limited');
    expect(t.fake.executeCalls()).toHaveLength(1);
  });

  it('when Piston fails, then nothing is cached and the next request executes again', async () => {
    t = await app({ RESULT_CACHE_TTL_MS: '60000' });
    t.fake.behave('execute', { kind: 'status', status: 500, body: {} });
    await request(t.app).post('/api/execute').send(hello).expect(502);
    t.fake.behave('execute', undefined);

    const res = await request(t.app).post('/api/execute').send(hello);

    expect(res.headers['x-cache']).toBe('MISS');
    expect(t.fake.executeCalls()).toHaveLength(2);
  });

  it('when the result is an internal error, then it is not cached', async () => {
    t = await app({ RESULT_CACHE_TTL_MS: '60000' });
    t.fake.behave('execute', { kind: 'status', status: 200, body: XX_ANSWER });

    const first = await request(t.app).post('/api/execute').send(hello);
    const second = await request(t.app).post('/api/execute').send(hello);

    expect(first.body.status).toBe('internal_error');
    expect(second.headers['x-cache']).toBe('MISS');
    expect(t.fake.executeCalls()).toHaveLength(2);
  });

  it('when a request opts out with cache: false, then it executes again', async () => {
    t = await app({ RESULT_CACHE_TTL_MS: '60000' });
    await request(t.app).post('/api/execute').send(hello);

    const res = await request(t.app)
      .post('/api/execute')
      .send({ ...hello, cache: false });

    expect(res.headers['x-cache']).toBe('MISS');
    expect(t.fake.executeCalls()).toHaveLength(2);
  });

  it('when the cache is off, then identical requests execute each time', async () => {
    t = await app();
    await request(t.app).post('/api/execute').send(hello);
    const res = await request(t.app).post('/api/execute').send(hello);

    expect(res.headers['x-cache']).toBe('MISS');
    expect(t.fake.executeCalls()).toHaveLength(2);
  });
});

describe('request coalescing', () => {
  it('when identical requests arrive while one executes, then they share it even with the cache off', async () => {
    t = await app({}, { delayMs: 200 });
    await t.runtimes.refresh();

    const responses = await Promise.all(
      Array.from({ length: 5 }, () => request(t!.app).post('/api/execute').send(hello)),
    );

    expect(responses.every((r) => r.status === 200 && r.body.output === 'Hello, World!\n')).toBe(
      true,
    );
    expect(responses.map((r) => r.headers['x-cache']).sort()).toEqual([
      'COALESCED',
      'COALESCED',
      'COALESCED',
      'COALESCED',
      'MISS',
    ]);
    expect(t.fake.executeCalls()).toHaveLength(1);
  });

  it('when requests differ in stdin or opt out, then they are not coalesced', async () => {
    t = await app({}, { delayMs: 200 });
    await t.runtimes.refresh();

    await Promise.all([
      request(t.app)
        .post('/api/execute')
        .send({ ...hello, stdin: 'a' }),
      request(t.app)
        .post('/api/execute')
        .send({ ...hello, stdin: 'b' }),
      request(t.app)
        .post('/api/execute')
        .send({ ...hello, cache: false }),
      request(t.app)
        .post('/api/execute')
        .send({ ...hello, cache: false }),
    ]);

    expect(t.fake.executeCalls()).toHaveLength(4);
  });
});
