import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestApps, type TestApp } from '../support/build-test-app.js';

const ACME = 'acme-secret-key-0123456789';
const BETA = 'beta-secret-key-0123456789';
const KEYS = `acme:${ACME}:3,beta:${BETA}:1`;

const build = useTestApps();
const app = (env: Record<string, string> = {}) =>
  build({ API_KEYS: KEYS, EXECUTE_RATE_LIMIT_MAX: '1', ...env });

let n = 0;
const program = () => ({ language: 'python', code: `print(${++n})` });
const run = (gateway: TestApp['app'], headers: Record<string, string> = {}) =>
  request(gateway).post('/api/execute').set(headers).send(program());

describe('API keys', () => {
  it('when a key is sent, then its own limit applies instead of the per-IP one', async () => {
    const { app: gateway } = await app();

    const statuses = [];
    for (let i = 0; i < 4; i += 1) {
      statuses.push((await run(gateway, { Authorization: `Bearer ${ACME}` })).status);
    }
    const anonymous = [(await run(gateway)).status, (await run(gateway)).status];

    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(anonymous).toEqual([200, 429]);
  });

  it('when a key may run more executions than the /api limit allows anonymous requests, then the /api limit scales with it', async () => {
    // Anonymous: 2 requests and 1 execution per window. acme may run 3 executions, so its /api
    // limit is 2 * 3 / 1 = 6: the third execution is not stopped by the /api limit.
    const { app: gateway } = await app({ RATE_LIMIT_MAX: '2' });

    const statuses = [];
    for (let i = 0; i < 4; i += 1) {
      statuses.push((await run(gateway, { 'X-API-Key': ACME })).status);
    }
    const usage = await request(gateway).get('/api/usage').set('X-API-Key', ACME);
    const anonymous = await request(gateway).get('/api/usage');

    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(usage.body.limits.find((l: { name: string }) => l.name === 'api')).toMatchObject({
      limit: 6,
      remaining: 1,
    });
    expect(anonymous.body.limits.find((l: { name: string }) => l.name === 'api').limit).toBe(2);
  });

  it('when keys are sent as X-API-Key or Bearer, then both count against the same key', async () => {
    const { app: gateway } = await app();

    const first = await run(gateway, { 'X-API-Key': BETA });
    const second = await run(gateway, { Authorization: `bearer ${BETA}` });

    expect(first.status).toBe(200);
    expect(second.status).toBe(429);
    expect(first.headers.ratelimit).toContain('"execute"; r=0;');
  });

  it('when two keys are used, then each has its own counter', async () => {
    const { app: gateway } = await app();

    await run(gateway, { 'X-API-Key': BETA });
    const acme = await run(gateway, { 'X-API-Key': ACME });

    expect(acme.status).toBe(200);
  });

  it('when an unknown key is sent, then it is 401 invalid_api_key and Piston is not called', async () => {
    const { app: gateway, fake } = await app();

    const res = await run(gateway, { Authorization: 'Bearer not-a-configured-key-at-all' });

    expect(res.status).toBe(401);
    expect(res.body.code).toBe('invalid_api_key');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api", error="invalid_token"');
    expect(fake.executeCalls()).toHaveLength(0);
  });

  it('when wrong keys keep coming from one address, then they count against its /api limit and end in 429', async () => {
    const { app: gateway, fake } = await app({ RATE_LIMIT_MAX: '3' });

    const statuses = [];
    for (let i = 0; i < 5; i += 1) {
      statuses.push((await run(gateway, { 'X-API-Key': `guessed-key-number-${i}` })).status);
    }
    const anonymous = await request(gateway).get('/api/usage');
    const keyed = await run(gateway, { 'X-API-Key': ACME });

    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    expect(anonymous.status).toBe(429);
    // A configured key is counted under its own name, not the guesser's address.
    expect(keyed.status).toBe(200);
    expect(fake.executeCalls()).toHaveLength(1);
  });

  it('when REQUIRE_API_KEY is true and requests keep coming without a key, then they end in 429 too', async () => {
    const { app: gateway } = await app({ REQUIRE_API_KEY: 'true', RATE_LIMIT_MAX: '2' });

    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await run(gateway)).status);

    expect(statuses).toEqual([401, 401, 429]);
  });

  it('when REQUIRE_API_KEY is true, then anonymous requests are 401 api_key_required', async () => {
    const { app: gateway } = await app({ REQUIRE_API_KEY: 'true' });

    const anonymous = await request(gateway).get('/api/execute/languages');
    const keyed = await request(gateway).get('/api/execute/languages').set('X-API-Key', ACME);
    const health = await request(gateway).get('/health');

    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe('api_key_required');
    expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="api"');
    expect(keyed.status).toBe(200);
    expect(keyed.headers['www-authenticate']).toBeUndefined();
    expect(health.status).toBe(200);
  });

  it('when keys are used, then they never appear in the logs', async () => {
    const { app: gateway, logs } = await app();

    await run(gateway, { Authorization: `Bearer ${ACME}` });
    await run(gateway, { 'X-API-Key': 'not-a-configured-key-at-all' });

    const text = logs.join('\n');
    expect(text).not.toContain(ACME);
    expect(text).not.toContain('not-a-configured-key-at-all');
  });
});

describe('GET /api/usage', () => {
  it('when called with a key, then it names the key and shows what is left', async () => {
    const { app: gateway } = await app();
    await run(gateway, { 'X-API-Key': ACME });

    const res = await request(gateway).get('/api/usage').set('X-API-Key', ACME);

    expect(res.status).toBe(200);
    expect(res.body.identity).toEqual({ type: 'api_key', name: 'acme' });
    const execute = res.body.limits.find((l: { name: string }) => l.name === 'execute');
    expect(execute).toMatchObject({ limit: 3, remaining: 2, windowSeconds: 300 });
    expect(execute.resetSeconds).toBeGreaterThan(0);
    const api = res.body.limits.find((l: { name: string }) => l.name === 'api');
    expect(api.remaining).toBe(api.limit - 2);
  });

  it('when called anonymously, then it shows the per-IP limits without using an execution', async () => {
    const { app: gateway } = await app();

    const res = await request(gateway).get('/api/usage');
    const after = await run(gateway);

    expect(res.body.identity.type).toBe('ip');
    expect(res.body.limits.find((l: { name: string }) => l.name === 'execute')).toMatchObject({
      limit: 1,
      remaining: 1,
    });
    expect(after.status).toBe(200);
  });
});
