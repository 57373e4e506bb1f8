import { Agent, METHODS, request as httpRequest } from 'node:http';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { METHOD_LABELS, OTHER_LABEL, ROUTE_LABELS } from '../../src/metrics/http-metrics.js';
import { useTestServers } from '../support/build-test-app.js';
import { sample, scrapeMetrics } from '../support/scrape-metrics.js';

const { app, serve } = useTestServers();

const hello = { language: 'python', code: 'print("Hello, World!")' };

describe('GET /metrics', () => {
  it('when executions, refusals and cache hits happened, then the counters say so', async () => {
    const t = await app({ RESULT_CACHE_TTL_MS: '60000', EXECUTE_RATE_LIMIT_MAX: '2' });
    await t.runtimes.refresh();
    await request(t.app).post('/api/execute').send(hello);
    await request(t.app).post('/api/execute').send(hello);
    await request(t.app)
      .post('/api/execute')
      .send({ language: 'python', code: 'print("before")\nraise ValueError("boom")' });
    await request(t.app).post('/api/execute').send({ language: 'python', code: 'print(3)' });
    await request(t.app).get('/nope');

    const text = await scrapeMetrics(t.app);

    expect(sample(text, 'gateway_executions_total{language="python",status="ok"}')).toBe(2);
    expect(sample(text, 'gateway_executions_total{language="python",status="runtime_error"}')).toBe(
      1,
    );
    expect(sample(text, 'gateway_result_cache_total{result="miss"}')).toBe(2);
    expect(sample(text, 'gateway_result_cache_total{result="hit"}')).toBe(1);
    expect(sample(text, 'gateway_rate_limited_total')).toBe(1);
    expect(
      sample(text, 'gateway_http_requests_total{method="POST",route="/api/execute",status="200"}'),
    ).toBe(3);
    expect(
      sample(text, 'gateway_http_requests_total{method="GET",route="other",status="404"}'),
    ).toBe(1);
    // Refused inside the route, so the router has handed the request back by the time it closes.
    expect(
      sample(text, 'gateway_http_requests_total{method="POST",route="/api/execute",status="429"}'),
    ).toBe(1);
    expect(sample(text, 'gateway_executions_in_flight')).toBe(0);
    expect(sample(text, 'gateway_piston_up')).toBe(1);
    expect(sample(text, 'gateway_piston_runtimes')).toBe(7);
    // The hit is an answer but ran nothing: counted, not timed.
    expect(
      sample(text, 'gateway_execution_duration_seconds_count{language="python",status="ok"}'),
    ).toBe(1);
  });

  it('when a route answers with an error, then the request is counted under that route', async () => {
    const t = await app();

    await request(t.app).post('/api/execute').send({ language: 'python' });
    await request(t.app).get('/api/execute');
    await request(t.app).post('/health/ready');
    await request(t.app).get('/api/execute/nope');
    const text = await scrapeMetrics(t.app);
    const series = text
      .split('\n')
      .filter((line) => line.startsWith('gateway_http_requests_total{'))
      .map((line) => line.slice(0, line.lastIndexOf(' ')));

    expect(series).toEqual([
      'gateway_http_requests_total{method="POST",route="/api/execute",status="400"}',
      'gateway_http_requests_total{method="GET",route="/api/execute",status="405"}',
      'gateway_http_requests_total{method="POST",route="/health/ready",status="405"}',
      'gateway_http_requests_total{method="GET",route="other",status="404"}',
    ]);
  });

  it('when the queue sheds a request, then the shed counter counts it', async () => {
    const t = await app({ MAX_CONCURRENT_EXECUTIONS: '1', MAX_QUEUE_SIZE: '0' }, { delayMs: 200 });
    await t.runtimes.refresh();

    await Promise.all([
      request(t.app).post('/api/execute').send({ language: 'python', code: 'print(1)' }),
      request(t.app).post('/api/execute').send({ language: 'python', code: 'print(2)' }),
    ]);
    const text = await scrapeMetrics(t.app);

    expect(sample(text, 'gateway_executions_shed_total')).toBe(1);
  });

  it('when two apps run in one process, then their metrics are separate', async () => {
    const a = await app();
    const b = await app();

    await request(a.app).post('/api/execute').send(hello);
    const textB = await scrapeMetrics(b.app);

    expect(
      sample(textB, 'gateway_executions_total{language="python",status="ok"}'),
    ).toBeUndefined();
  });
});

describe('GET /metrics on the public port', () => {
  const TOKEN = 'a-long-enough-metrics-token';

  it('when METRICS_TOKEN is not set, then it is a 404 like any unknown path', async () => {
    const t = await app();

    const res = await request(t.app).get('/metrics').set('Origin', 'https://page.example');

    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not_found');
    expect(res.text).not.toContain('gateway_');
  });

  it('when METRICS_TOKEN is set, then /metrics requires it and sends no CORS headers', async () => {
    const t = await app({ METRICS_TOKEN: TOKEN });

    const missing = await request(t.app).get('/metrics');
    const wrong = await request(t.app).get('/metrics').set('Authorization', 'Bearer nope');
    const right = await request(t.app)
      .get('/METRICS')
      .set('Origin', 'https://page.example')
      .set('Authorization', `Bearer ${TOKEN}`);

    expect(missing.status).toBe(401);
    expect(missing.body.code).toBe('unauthorized');
    expect(missing.headers['www-authenticate']).toContain('Bearer');
    expect(wrong.status).toBe(401);
    expect(right.status).toBe(200);
    expect(right.headers['content-type']).toMatch(/text\/plain/);
    expect(right.text).toContain('gateway_http_requests_total');
    expect(Object.keys(right.headers).filter((name) => name.startsWith('access-control-'))).toEqual(
      [],
    );
  });

  it('when wrong tokens keep coming, then they count against the /api limit and end in 429, while the right token still works', async () => {
    const t = await app({ METRICS_TOKEN: TOKEN, RATE_LIMIT_MAX: '3' });

    const statuses = [];
    for (let i = 0; i < 5; i += 1) {
      statuses.push(
        (await request(t.app).get('/metrics').set('Authorization', `Bearer guess-${i}`)).status,
      );
    }
    const guess = await request(t.app).get('/metrics').set('Authorization', 'Bearer guess');
    const api = await request(t.app).get('/api/usage');
    const right = await request(t.app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`);

    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    expect(guess.status).toBe(429);
    expect(guess.body.code).toBe('rate_limited');
    expect(guess.headers['retry-after']).toEqual(expect.any(String));
    expect(api.status).toBe(429);
    expect(right.status).toBe(200);
  });

  it('when POSTed, then it is a 405 naming GET', async () => {
    const t = await app({ METRICS_TOKEN: TOKEN });

    const res = await request(t.app).post('/metrics').set('Authorization', `Bearer ${TOKEN}`);

    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });
});

/** A deterministic pseudo-random generator (mulberry32), so a failure can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One request with any method Node's client sends, over the given keep-alive agent. */
function send(port: number, agent: Agent, method: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HTTP metric labels', () => {
  it('when thousands of requests use random paths, letter cases and methods, then the series stay a small fixed set', async () => {
    const t = await app();
    const { port } = await serve(t);
    const random = seededRandom(14);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    const recase = (path: string) =>
      path.replace(/[a-z]/g, (c) => (random() < 0.5 ? c.toUpperCase() : c));
    // CONNECT opens a tunnel instead of reaching the app.
    const methods = METHODS.filter((method) => method !== 'CONNECT');
    const randomPath = () => {
      const known = pick(ROUTE_LABELS);
      switch (pick(['case', 'slash', 'below', 'junk'] as const)) {
        case 'case':
          return recase(known);
        case 'slash':
          return `${recase(known)}/`;
        case 'below':
          return `${known}/${random().toString(36).slice(2)}`;
        case 'junk':
          return `/${random().toString(36).slice(2)}?q=${random()}`;
      }
    };
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });

    const sent = [
      ...Array.from({ length: 2000 }, () => [pick(methods), randomPath()] as const),
      // With forty-odd route labels, chance alone may send /health no GET at all.
      ...Array.from(
        { length: 20 },
        (_, i) => ['GET', `${recase('/health')}${i % 2 ? '/' : ''}`] as const,
      ),
    ];
    for (let i = 0; i < sent.length; i += 64) {
      await Promise.all(sent.slice(i, i + 64).map(([m, p]) => send(port, agent, m, p)));
    }
    agent.destroy();
    const text = await scrapeMetrics(t.app);
    const series = text
      .split('\n')
      .filter((line) => line.startsWith('gateway_http_requests_total{'))
      .map((line) => /method="([^"]*)",route="([^"]*)",status="(\d+)"/.exec(line)?.slice(1) ?? []);

    const routes = new Set(series.map(([, route]) => route));
    const methodsSeen = new Set(series.map(([method]) => method));
    expect([...routes].filter((r) => ![...ROUTE_LABELS, OTHER_LABEL].includes(r!))).toEqual([]);
    expect([...methodsSeen].filter((m) => ![...METHOD_LABELS, OTHER_LABEL].includes(m!))).toEqual(
      [],
    );
    // Seven route labels, eight method labels, a handful of statuses.
    expect(series.length).toBeLessThan(200);
    // Every letter case and trailing slash of /health is counted under the pattern.
    const healthGets = sent.filter(
      ([m, p]) => m === 'GET' && p.toLowerCase().replace(/\/$/, '') === '/health',
    ).length;
    expect(healthGets).toBeGreaterThan(0);
    expect(
      sample(text, 'gateway_http_requests_total{method="GET",route="/health",status="200"}'),
    ).toBe(healthGets);
  }, 60_000);
});
