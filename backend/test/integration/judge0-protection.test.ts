import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestApps } from '../support/build-test-app.js';
import { finishedSubmission } from '../support/judge0.js';
import { waitFor } from '../support/wait-for.js';

const KEY = 'acme-secret-key-0123456789';
const app = useTestApps();
const item = (n: number) => ({ source_code: `print(${n})`, language_id: 71 });

describe('/judge0 protection', () => {
  it('when REQUIRE_API_KEY is on, then X-Auth-Token presents the key, and a wrong one is a 401', async () => {
    const t = await app({ API_KEYS: `acme:${KEY}:5`, REQUIRE_API_KEY: 'true' });
    const good = await request(t.app).get('/judge0/statuses').set('X-Auth-Token', KEY);
    const bad = await request(t.app).get('/judge0/statuses').set('X-Auth-Token', 'wrong');
    const none = await request(t.app).get('/judge0/statuses');
    expect(good.status).toBe(200);
    expect(bad.status).toBe(401);
    expect(bad.body.code).toBe('invalid_api_key');
    expect(none.status).toBe(401);
  });

  it('when a browser asks, then X-Auth-Token is an allowed CORS header', async () => {
    const t = await app();
    const res = await request(t.app)
      .options('/judge0/submissions')
      .set('Origin', 'https://app.example.com')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'x-auth-token,content-type');
    expect(res.headers['access-control-allow-headers']).toMatch(/X-Auth-Token/i);
  });

  it('when requests exceed RATE_LIMIT_MAX, then /judge0 answers 429 as /api does, sharing its counter', async () => {
    const t = await app({ RATE_LIMIT_MAX: '2' });
    expect((await request(t.app).get('/api/usage')).status).toBe(200);
    expect((await request(t.app).get('/judge0/about')).status).toBe(200);
    const third = await request(t.app).get('/judge0/about');
    expect(third.status).toBe(429);
    expect(third.body.code).toBe('rate_limited');
  });

  it('when submissions are accepted, then each counts against the execution limit; refused ones do not', async () => {
    const t = await app({ EXECUTE_RATE_LIMIT_MAX: '3' });
    // Invalid: not charged.
    expect((await request(t.app).post('/judge0/submissions').send({})).status).toBe(422);
    const batch = await request(t.app)
      .post('/judge0/submissions/batch')
      .send({ submissions: [item(1), { language_id: 71 }, item(2)] });
    expect(batch.status).toBe(201);
    expect((await request(t.app).post('/judge0/submissions').send(item(3))).status).toBe(201);
    const over = await request(t.app).post('/judge0/submissions').send(item(4));
    expect(over.status).toBe(429);
    const usage = await request(t.app).get('/api/usage');
    expect(
      (usage.body as { limits: { name: string; remaining: number }[] }).limits.find(
        (l) => l.name === 'execute',
      )?.remaining,
    ).toBe(0);
  });

  it('when submissions flood in, then they hold at most MAX_ASYNC_EXECUTIONS slots and /api/execute still runs', async () => {
    const t = await app(
      { MAX_CONCURRENT_EXECUTIONS: '3', MAX_ASYNC_EXECUTIONS: '1' },
      { delayMs: 150 },
    );
    const tokens: string[] = [];
    for (let n = 0; n < 4; n += 1) {
      const res = await request(t.app).post('/judge0/submissions').send(item(n));
      tokens.push((res.body as { token: string }).token);
    }
    await waitFor(async () => Promise.resolve(t.fake.jobsRunning() === 1));
    const sync = await request(t.app)
      .post('/api/execute')
      .send({ language: 'python', code: 'print("sync")' });
    expect(sync.status).toBe(200);
    for (const token of tokens) await finishedSubmission(t.app, token);
    // Never more than one submission plus the one synchronous request at Piston at once.
    expect(t.fake.peakJobs()).toBeLessThanOrEqual(2);
  });

  it('when Piston is unreachable, then the submission ends as 13 Internal Error without Piston details', async () => {
    const t = await app();
    t.fake.behave('execute', {
      kind: 'status',
      status: 500,
      body: { message: 'secret internals' },
    });
    const res = await request(t.app).post('/judge0/submissions').send(item(5));
    const body = await finishedSubmission(t.app, (res.body as { token: string }).token);
    expect(body.status).toEqual({ id: 13, description: 'Internal Error' });
    expect(JSON.stringify(body)).not.toContain('secret internals');
    expect(JSON.stringify(body)).not.toContain('127.0.0.1');
  });
});
