import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestApps } from '../support/build-test-app.js';

const app = useTestApps();

const hello = { language: 'python', code: 'print("Hello, World!")' };

function expectNoLeak(res: request.Response, fakeUrl: string) {
  const text = JSON.stringify(res.body);
  expect(text).not.toContain(fakeUrl);
  expect(text).not.toContain('127.0.0.1');
  expect(text).not.toMatch(/ECONN|stack|at \w+ \(/);
}

describe('POST /api/execute when Piston misbehaves', () => {
  it('when Piston is down, then it is a 503 upstream_unavailable with Retry-After', async () => {
    const { app: gateway, fake } = await app();
    await fake.close();

    const res = await request(gateway).post('/api/execute').send(hello);

    expect(res.status).toBe(503);
    expect(res.body.code).toBe('upstream_unavailable');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expectNoLeak(res, fake.url);
  });

  it('when Piston resets the execution connection, then it is a 503', async () => {
    const { app: gateway, fake } = await app();
    fake.behave('execute', { kind: 'reset' });

    const res = await request(gateway).post('/api/execute').send(hello);

    expect(res.status).toBe(503);
    expect(res.body.code).toBe('upstream_unavailable');
  });

  it('when Piston hangs, then it is a 504 once the budget is spent', async () => {
    const { app: gateway, fake } = await app({
      PISTON_TIMEOUT_MS: '100',
      COMPILE_TIMEOUT_MS: '100',
      RUN_TIMEOUT_MS: '100',
    });
    fake.behave('execute', { kind: 'hang' });

    const res = await request(gateway).post('/api/execute').send(hello);

    expect(res.status).toBe(504);
    expect(res.body.code).toBe('upstream_timeout');
    expectNoLeak(res, fake.url);
  });

  it('when Piston answers 500, then it is a 502 without Piston body', async () => {
    const { app: gateway, fake } = await app();
    fake.behave('execute', {
      kind: 'status',
      status: 500,
      body: { message: 'secret internal detail at /piston_api/src/job.js' },
    });

    const res = await request(gateway).post('/api/execute').send(hello);

    expect(res.status).toBe(502);
    expect(res.body.code).toBe('upstream_error');
    expect(JSON.stringify(res.body)).not.toContain('secret internal detail');
  });

  it('when Piston answers garbage, then it is a 502', async () => {
    const { app: gateway, fake } = await app();
    fake.behave('execute', { kind: 'garbage' });

    const res = await request(gateway).post('/api/execute').send(hello);

    expect(res.status).toBe(502);
    expect(res.body.code).toBe('upstream_error');
  });

  it('when Piston rejects a request the gateway did not anticipate, then it is a 502 and logged', async () => {
    const { app: gateway, fake, logs } = await app();
    fake.behave('execute', {
      kind: 'status',
      status: 400,
      body: { message: 'run_timeout cannot exceed the configured limit of 3000' },
    });

    const res = await request(gateway).post('/api/execute').send(hello);

    expect(res.status).toBe(502);
    expect(res.body.code).toBe('upstream_error');
    expect(JSON.stringify(res.body)).not.toContain('run_timeout');
    const logged = logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(
      logged.some((l) => l.level === 50 && JSON.stringify(l).includes('run_timeout cannot exceed')),
    ).toBe(true);
  });

  it('when Piston says the runtime is unknown, then the cache is refreshed and it is a 400', async () => {
    const { app: gateway, fake } = await app();
    await request(gateway).get('/api/execute/languages');
    // The runtime disappears from Piston after the gateway cached it.
    fake.runtimes.splice(
      fake.runtimes.findIndex((rt) => rt.language === 'python'),
      1,
    );
    const callsBefore = fake.runtimeCalls().length;

    const res = await request(gateway).post('/api/execute').send(hello);
    const languages = await request(gateway).get('/api/execute/languages');

    expect(res.status).toBe(400);
    expect(res.body.code).toBe('unsupported_language');
    expect(fake.runtimeCalls().length).toBe(callsBefore + 1);
    expect(languages.body.languages.map((l: { language: string }) => l.language)).not.toContain(
      'python',
    );
  });
});

describe('runtime cache through the API', () => {
  it('when many requests arrive before the list is cached, then Piston is asked once', async () => {
    const { app: gateway, fake } = await app();

    const responses = await Promise.all(
      Array.from({ length: 15 }, () => request(gateway).post('/api/execute').send(hello)),
    );

    expect(responses.every((res) => res.status === 200)).toBe(true);
    expect(fake.runtimeCalls()).toHaveLength(1);
  });

  it('when a body is invalid, then it is refused without asking Piston for anything', async () => {
    const { app: gateway, fake } = await app();

    const res = await request(gateway).post('/api/execute').send({ language: 'python' });

    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_request');
    expect(fake.runtimeCalls()).toHaveLength(0);
  });

  it('when the list expired and Piston cannot list runtimes, then the stale list keeps serving', async () => {
    const { app: gateway, fake } = await app({ RUNTIME_CACHE_TTL_MS: '1' });
    await request(gateway).get('/api/execute/languages').expect(200);
    fake.behave('runtimes', { kind: 'status', status: 500, body: {} });
    await new Promise((resolve) => setTimeout(resolve, 5));

    const languages = await request(gateway).get('/api/execute/languages');
    const res = await request(gateway).post('/api/execute').send(hello);

    expect(languages.status).toBe(200);
    expect(res.status).toBe(200);
    expect(fake.runtimeCalls().length).toBeGreaterThanOrEqual(2);
  });

  it('when a language is installed after start-up, then an early refresh finds it', async () => {
    const { app: gateway, fake } = await app();
    await request(gateway).get('/api/execute/languages').expect(200);
    fake.runtimes.push({ language: 'ruby', version: '3.0.1', aliases: ['rb'] });

    const res = await request(gateway)
      .post('/api/execute')
      .send({ language: 'rb', code: 'puts 1' });
    const again = await request(gateway)
      .post('/api/execute')
      .send({ language: 'cobol', code: 'x' });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ language: 'ruby', version: '3.0.1' });
    expect(again.body.code).toBe('unsupported_language');
    // One initial list, one early refresh; the second unknown language is throttled.
    expect(fake.runtimeCalls()).toHaveLength(2);
  });
});
