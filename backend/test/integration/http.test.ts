import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { CORS_ALLOWED_HEADERS } from '../../src/middleware/common.js';
import { useTestApps } from '../support/build-test-app.js';

const app = useTestApps();

const hello = { language: 'python', code: 'print("Hello, World!")' };

describe('unknown routes', () => {
  it.each([
    ['get', '/nope'],
    ['get', '/api/v2/packages'],
    ['post', '/api/v2/packages'],
    // /api/v2/runtimes and /api/v2/execute are the Piston-compatible API (piston-compat.test.ts).
    ['delete', '/api/v2/packages'],
    ['get', '/api/v2/connect'],
    ['delete', '/api/execute/packages/python/3.11.2'],
  ] as const)(
    'when %s %s, then it is a JSON 404 and Piston is not called',
    async (method, path) => {
      const { app: gateway, fake } = await app();

      const res = await request(gateway)[method](path);

      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ code: 'not_found' });
      expect(res.body.requestId).toEqual(expect.any(String));
      expect(fake.requests).toHaveLength(0);
    },
  );
});

describe('known paths asked with another method', () => {
  it.each([
    ['get', '/api/execute', 'POST'],
    ['head', '/api/execute', 'POST'],
    ['put', '/api/execute/', 'POST'],
    ['post', '/api/execute/languages', 'GET, HEAD'],
    ['delete', '/api/usage', 'GET, HEAD'],
    ['post', '/health', 'GET, HEAD'],
    ['post', '/health/ready', 'GET, HEAD'],
  ] as const)(
    'when %s %s, then it is a JSON 405 with Allow: %s and Piston is not called',
    async (method, path, allow) => {
      const { app: gateway, fake } = await app();

      const call = request(gateway)[method](path);
      const res = await (method === 'head' ? call : call.send(hello));

      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe(allow);
      if (method !== 'head') {
        expect(res.body).toMatchObject({
          code: 'method_not_allowed',
          error: `${method.toUpperCase()} is not allowed on ${path.replace(/\/$/, '')}; use ${allow.split(',')[0]}`,
        });
      }
      expect(fake.requests.filter((r) => r.path.endsWith('/execute'))).toHaveLength(0);
    },
  );

  it('when a served method is used, then the 405 fallback lets it through', async () => {
    const { app: gateway } = await app();

    expect((await request(gateway).head('/api/execute/languages')).status).toBe(200);
    expect((await request(gateway).get('/health')).status).toBe(200);
  });
});

describe('rate limits', () => {
  it('when executions exceed the limit, then it is a 429 with standard headers and Retry-After', async () => {
    const { app: gateway, fake } = await app({ EXECUTE_RATE_LIMIT_MAX: '2' });

    const first = await request(gateway).post('/api/execute').send(hello);
    await request(gateway).post('/api/execute').send(hello);
    const limited = await request(gateway).post('/api/execute').send(hello);

    expect(first.headers.ratelimit).toContain('"execute"; r=1;');
    expect(first.headers['ratelimit-policy']).toContain('"execute"; q=2; w=300');
    expect(first.headers['x-ratelimit-limit']).toBeUndefined();
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 'rate_limited' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body.error).toMatch(/try again in \d+ seconds/);
    expect(fake.executeCalls()).toHaveLength(2);
  });

  it('when the execution limit is reached, then other API routes still answer', async () => {
    const { app: gateway } = await app({ EXECUTE_RATE_LIMIT_MAX: '1' });
    await request(gateway).post('/api/execute').send(hello);

    expect((await request(gateway).post('/api/execute').send(hello)).status).toBe(429);
    expect((await request(gateway).get('/api/execute/languages')).status).toBe(200);
  });

  it('when all /api routes exceed the global limit, then it is a 429 everywhere under /api', async () => {
    const { app: gateway } = await app({ RATE_LIMIT_MAX: '2' });

    await request(gateway).get('/api/execute/languages');
    await request(gateway).get('/api/execute/languages');
    const limited = await request(gateway).post('/api/execute').send(hello);

    expect(limited.status).toBe(429);
    expect(limited.headers.ratelimit).toContain('"api"; r=0;');
    expect((await request(gateway).get('/health')).status).toBe(200);
  });

  it('when TRUST_PROXY is 0, then a spoofed X-Forwarded-For cannot reset the limit', async () => {
    const { app: gateway } = await app({ EXECUTE_RATE_LIMIT_MAX: '1' });

    await request(gateway).post('/api/execute').set('X-Forwarded-For', '1.1.1.1').send(hello);
    const spoofed = await request(gateway)
      .post('/api/execute')
      .set('X-Forwarded-For', '2.2.2.2')
      .send(hello);

    expect(spoofed.status).toBe(429);
  });

  it('when TRUST_PROXY is 1, then each client behind the proxy has its own limit', async () => {
    const { app: gateway } = await app({ EXECUTE_RATE_LIMIT_MAX: '1', TRUST_PROXY: '1' });

    const a = await request(gateway)
      .post('/api/execute')
      .set('X-Forwarded-For', '1.1.1.1')
      .send(hello);
    const b = await request(gateway)
      .post('/api/execute')
      .set('X-Forwarded-For', '2.2.2.2')
      .send(hello);
    const aAgain = await request(gateway)
      .post('/api/execute')
      .set('X-Forwarded-For', '1.1.1.1')
      .send(hello);
    // A client adding its own X-Forwarded-For entry still counts as the address the proxy saw.
    const forged = await request(gateway)
      .post('/api/execute')
      .set('X-Forwarded-For', '9.9.9.9, 1.1.1.1')
      .send(hello);

    expect([a.status, b.status, aAgain.status, forged.status]).toEqual([200, 200, 429, 429]);
  });
});

describe('CORS', () => {
  it('when a browser sends a preflight, then it is answered 204 with the allowed methods', async () => {
    const { app: gateway } = await app();

    const res = await request(gateway)
      .options('/api/execute')
      .set('Origin', 'https://editor.example.com')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type');

    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-methods']).toContain('POST');
    expect(res.headers['access-control-allow-headers']).toMatch(/content-type/i);
  });

  it('when a page sends the headers the API documents, then its preflight allows every one', async () => {
    const { app: gateway } = await app({ CORS_ORIGINS: 'https://editor.example.com' });
    const documented = [
      'If-None-Match',
      'Cache-Control',
      'Authorization',
      'X-API-Key',
      'X-Request-Id',
      'Content-Type',
      'Content-Encoding',
      'Last-Event-ID',
    ];

    const res = await request(gateway)
      .options('/api/execute/languages')
      .set('Origin', 'https://editor.example.com')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', documented.join(', ').toLowerCase());
    const allowed = String(res.headers['access-control-allow-headers'])
      .split(',')
      .map((name) => name.trim().toLowerCase());

    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://editor.example.com');
    expect(documented.filter((name) => !allowed.includes(name.toLowerCase()))).toEqual([]);
    expect(allowed).toEqual(CORS_ALLOWED_HEADERS.map((name) => name.toLowerCase()));
  });

  it('when CORS_ORIGINS is a list, then only listed origins are allowed', async () => {
    const { app: gateway } = await app({ CORS_ORIGINS: 'https://good.example.com' });

    const good = await request(gateway).get('/health').set('Origin', 'https://good.example.com');
    const bad = await request(gateway).get('/health').set('Origin', 'https://evil.example.com');

    expect(good.headers['access-control-allow-origin']).toBe('https://good.example.com');
    expect(bad.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('when a cross-origin response is read, then request id and rate-limit headers are exposed', async () => {
    const { app: gateway } = await app();

    const res = await request(gateway)
      .post('/api/execute')
      .set('Origin', 'https://x.example')
      .send(hello);

    expect(res.headers['access-control-expose-headers']).toMatch(
      /X-Request-Id.*RateLimit.*Retry-After/,
    );
  });
});

describe('request ids, security headers, compression and logs', () => {
  it('when the client sends X-Request-Id, then it is echoed in the header and error body', async () => {
    const { app: gateway } = await app();

    const res = await request(gateway).get('/nope').set('X-Request-Id', 'abc-123');

    expect(res.headers['x-request-id']).toBe('abc-123');
    expect(res.body.requestId).toBe('abc-123');
  });

  it('when the client sends an unsafe X-Request-Id, then a new one is generated', async () => {
    const { app: gateway } = await app();

    const res = await request(gateway).get('/nope').set('X-Request-Id', 'bad id\twith "stuff"');

    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('when any response is sent, then helmet headers are set and X-Powered-By is not', async () => {
    const { app: gateway } = await app();

    const res = await request(gateway).get('/health');

    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBeDefined();
  });

  /** A gateway whose language list is well over compression's 1 KiB threshold. */
  async function appWithManyLanguages() {
    const { app: gateway, fake } = await app();
    fake.runtimes.push(
      ...Array.from({ length: 60 }, (_, i) => ({
        language: `lang${i}`,
        version: '1.0.0',
        aliases: [`alias-${i}`],
      })),
    );
    return gateway;
  }

  it('when a response is large and the client accepts gzip, then it is compressed', async () => {
    const gateway = await appWithManyLanguages();

    const res = await request(gateway).get('/api/execute/languages').set('Accept-Encoding', 'gzip');

    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.body.languages.length).toBeGreaterThan(60);
  });

  it('when a large response goes to a client that accepts no coding, then it is sent as it is', async () => {
    const gateway = await appWithManyLanguages();

    const res = await request(gateway).get('/api/execute/languages').unset('Accept-Encoding');

    expect(res.headers['content-encoding']).toBeUndefined();
    expect(Number(res.headers['content-length'])).toBeGreaterThan(1024);
    expect(res.body.languages.length).toBeGreaterThan(60);
  });

  it('when code runs, then the logs hold neither code, stdin nor output', async () => {
    const { app: gateway, logs } = await app();

    await request(gateway)
      .post('/api/execute')
      .send({ language: 'python', code: 'print("Hello, World!")', stdin: 'SECRET-STDIN' });
    await request(gateway)
      .post('/api/execute')
      .send({ language: 'python', code: 'SECRET-CODE(', timeout: 0 });

    const text = logs.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    expect(text).toContain('"statusCode":200');
    expect(text).not.toContain('Hello, World');
    expect(text).not.toContain('SECRET');
  });
});
