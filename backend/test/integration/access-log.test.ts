import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestApps } from '../support/build-test-app.js';

const app = useTestApps();

const hello = { language: 'python', code: 'print("Hello, World!")' };

interface AccessLine {
  level: number;
  msg: string;
  req: { id: string; method: string; url: string; remoteAddress?: string; apiKey?: string };
  res: { statusCode: number; code?: string; cache?: string };
  responseTime: number;
}

function accessLines(logs: string[]): AccessLine[] {
  return logs
    .map((line) => JSON.parse(line) as AccessLine)
    .filter((line) => line.msg.startsWith('request '));
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe('access log', () => {
  it('when a request completes, then one line names its id, method, path, status and duration', async () => {
    const { app: gateway, logs } = await app();

    const res = await request(gateway)
      .post('/api/execute?x=1')
      .set('X-Request-Id', 'log-1')
      .send(hello);
    await until(() => accessLines(logs).length > 0);

    expect(res.status).toBe(200);
    const lines = accessLines(logs);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'request completed',
      req: { id: 'log-1', method: 'POST', url: '/api/execute?[redacted]' },
      res: { statusCode: 200 },
    });
    expect(lines[0]?.req.remoteAddress).toEqual(expect.any(String));
    expect(lines[0]?.responseTime).toBeGreaterThan(0);
  });

  it('when the gateway runs behind a proxy, then the line names the client, not the proxy', async () => {
    const { app: gateway, logs } = await app({ TRUST_PROXY: '1' });

    await request(gateway).get('/api/usage').set('X-Forwarded-For', '203.0.113.7');
    await until(() => accessLines(logs).length > 0);

    expect(accessLines(logs)[0]?.req.remoteAddress).toBe('203.0.113.7');
  });

  it('when a request is refused or fails upstream, then its line is a warning or an error', async () => {
    const { app: gateway, logs, fake } = await app();

    await request(gateway).post('/api/execute').send({ language: 'python' });
    fake.behave('execute', { kind: 'status', status: 500, body: { message: 'boom' } });
    await request(gateway).post('/api/execute').send(hello);
    await until(() => accessLines(logs).length >= 2);

    const levels = accessLines(logs).map((line) => [line.res.statusCode, line.level]);
    expect(levels).toEqual([
      [400, 40],
      [502, 50],
    ]);
  });

  it('when a request is shed (503 overloaded), then its line is a warning without an error', async () => {
    const {
      app: gateway,
      logs,
      runtimes,
    } = await app({ MAX_CONCURRENT_EXECUTIONS: '1', MAX_QUEUE_SIZE: '0' }, { delayMs: 200 });
    await runtimes.refresh();

    const running = request(gateway)
      .post('/api/execute')
      .send(hello)
      .then((r) => r);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const shed = await request(gateway)
      .post('/api/execute')
      .send({ ...hello, code: 'print(2)' });
    await running;
    await until(() => accessLines(logs).length >= 2);

    expect(shed.status).toBe(503);
    const line = accessLines(logs).find((l) => l.res.code === 'overloaded');
    expect(line).toMatchObject({ level: 40, msg: 'request completed', res: { statusCode: 503 } });
    expect(line).not.toHaveProperty('err');
  });

  it('when a request fails with a server error, then its one log line carries the error and its cause', async () => {
    const { app: gateway, logs, fake } = await app();
    await fake.close();

    const res = await request(gateway).post('/api/execute').send(hello);
    await until(() => accessLines(logs).length > 0);

    const errors = logs
      .map((line) => JSON.parse(line) as AccessLine & { err?: { message: string } })
      .filter((line) => line.level >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      msg: 'request failed: The execution engine is unavailable, try again shortly',
      req: { id: res.headers['x-request-id'], url: '/api/execute' },
      res: { statusCode: 503, code: 'upstream_unavailable' },
      cause: { code: 'ECONNREFUSED' },
    });
    expect(errors[0]?.err?.message).toContain('ECONNREFUSED');
  });

  it('when a caller uses an API key, then the line names the key (never the secret), the cache status and the error code', async () => {
    const secret = 'acme-secret-key-0123456789';
    const { app: gateway, logs } = await app({
      API_KEYS: `acme:${secret}:1`,
      RESULT_CACHE_TTL_MS: '60000',
    });

    await request(gateway).post('/api/execute').set('X-API-Key', secret).send(hello);
    await request(gateway).post('/api/execute').set('X-API-Key', secret).send(hello);
    await request(gateway)
      .post('/api/execute')
      .set('X-API-Key', secret)
      .send({ ...hello, code: 'print(2)' });
    await until(() => accessLines(logs).length >= 3);

    expect(accessLines(logs).map(({ req, res }) => [req.apiKey, res])).toEqual([
      ['acme', { statusCode: 200, cache: 'MISS' }],
      ['acme', { statusCode: 200, cache: 'HIT' }],
      ['acme', { statusCode: 429, code: 'rate_limited' }],
    ]);
    expect(logs.join('\n')).not.toContain(secret);
  });

  it('when a credential travels in the query string, then the line keeps the path and redacts the query', async () => {
    const { app: gateway, logs } = await app();

    await request(gateway).get('/api/execute/languages?api_key=sk-secret-in-the-url&x=1');
    await until(() => accessLines(logs).length > 0);

    expect(accessLines(logs)[0]?.req.url).toBe('/api/execute/languages?[redacted]');
    expect(logs.join('\n')).not.toContain('sk-secret-in-the-url');
  });

  it('when the path is 15,000 characters long, then the 404 body and the line carry 200 of them', async () => {
    const { app: gateway, logs } = await app();
    const path = `/${'a'.repeat(15_000)}`;

    const res = await request(gateway).get(`${path}?q=1`);
    await until(() => accessLines(logs).length > 0);

    expect(res.status).toBe(404);
    expect(res.body.error).toBe(`No route for GET ${path.slice(0, 200)}…`);
    expect(accessLines(logs)[0]?.req.url).toBe(`${path.slice(0, 200)}…?[redacted]`);
    expect(logs.join('\n').length).toBeLessThan(2_000);
  });

  it('when /health or /metrics is requested, then nothing is logged', async () => {
    const { app: gateway, logs } = await app();

    await request(gateway).get('/health');
    await request(gateway).get('/metrics');
    await request(gateway).get('/api/execute/languages');
    await until(() => accessLines(logs).length > 0);

    expect(accessLines(logs).map((line) => line.req.url)).toEqual(['/api/execute/languages']);
  });

  it('when the client leaves before the answer, then the line says the request was aborted', async () => {
    const { app: gateway, logs } = await app({}, { delayMs: 300 });

    await expect(request(gateway).post('/api/execute').send(hello).timeout(100)).rejects.toThrow();
    await until(() => accessLines(logs).length > 0);

    expect(accessLines(logs)).toEqual([
      expect.objectContaining({ msg: 'request aborted by the client', level: 30 }),
    ]);
  });
});
