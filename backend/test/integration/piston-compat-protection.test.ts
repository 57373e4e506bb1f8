import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ExecuteResponseSchema } from '../../src/schemas/execute-response.js';
import { useTestApps } from '../support/build-test-app.js';
import { loadFixture } from '../support/fixtures.js';
import { execute, expectPistonError, program, waitForJob } from '../support/piston-compat.js';
import { sample, scrapeMetrics } from '../support/scrape-metrics.js';

const build = useTestApps();

describe('POST /api/v2/execute: errors in Piston words, with the gateway statuses', () => {
  it.each([
    'missing-language',
    'missing-files',
    'files-not-array',
    'file-content-not-string',
    'run-timeout-not-number',
    'unknown-language',
    'unknown-version',
  ])(
    "when the recorded request %s is sent, then it is a 400 with Piston's message",
    async (name) => {
      const t = await build();
      const fixture = loadFixture(name);

      const res = await execute(t, fixture.request.body);

      expectPistonError(res, 400, res.body.code as string);
      expect(res.body.message).toBe((fixture.response.body as { message: string }).message);
      expect(t.fake.executeCalls()).toHaveLength(0);
    },
  );

  it.each([
    [
      'a file name with a path',
      { files: [{ name: '../x.py', content: 'print(1)' }] },
      'files[0].name',
    ],
    ['NUL in an argument', { args: ['a\u0000b'] }, 'args[0]'],
    [
      'an unknown encoding',
      { files: [{ content: 'eA==', encoding: 'latin1' }] },
      'files[0].encoding',
    ],
    ['no files', { files: [] }, 'files must include at least one utf8 encoded file'],
    ['a body that is not an object', null, 'the request body must be a JSON object'],
  ])(
    'when the request has %s, then the gateway refuses it and names the field',
    async (_w, change, start) => {
      const t = await build();
      const body = change === null ? [1] : { ...program(), ...change };

      const res = await execute(t, body);

      expectPistonError(res, 400, 'invalid_request');
      expect(res.body.message.startsWith(start)).toBe(true);
      expect(t.fake.executeCalls()).toHaveLength(0);
    },
  );

  it('when the code is over MAX_CODE_BYTES, then 413 payload_too_large', async () => {
    const t = await build({ MAX_CODE_BYTES: '100' });

    const res = await execute(t, program({ files: [{ content: 'x'.repeat(101) }] }));

    expectPistonError(res, 413, 'payload_too_large');
  });

  it('when the JSON is malformed, then 400 invalid_json without a stack trace', async () => {
    const t = await build();
    const { body } = loadFixture('malformed-json').request;

    const res = await request(t.app)
      .post('/api/v2/execute')
      .set('Content-Type', 'application/json')
      .send(typeof body === 'string' ? body : '{"language":');

    expectPistonError(res, 400, 'invalid_json');
    expect(res.text).not.toMatch(/stack|node_modules/);
  });

  it('when Piston answers 500, then 502 upstream_error without what Piston said', async () => {
    const t = await build();
    t.fake.behave('execute', {
      kind: 'status',
      status: 500,
      body: { message: 'secret /piston/x' },
    });

    const res = await execute(t, program());

    expectPistonError(res, 502, 'upstream_error');
    expect(res.text).not.toContain('secret');
  });
});

describe('POST /api/v2/execute: the same protection as POST /api/execute', () => {
  it('when the execute limit is used up by either API, then the other answers 429 with Retry-After', async () => {
    const t = await build({ EXECUTE_RATE_LIMIT_MAX: '2' });

    await execute(t, program()).expect(200);
    await request(t.app)
      .post('/api/execute')
      .send({ language: 'python', code: 'print(0)' })
      .expect(200);
    const res = await execute(t, program());

    expectPistonError(res, 429, 'rate_limited');
    expect(res.headers['retry-after']).toBeDefined();
  });

  it('when an API key is required and none is sent, then 401 in the Piston error shape', async () => {
    const t = await build({
      REQUIRE_API_KEY: 'true',
      API_KEYS: 'acme:acme-secret-key-0123456789:10',
    });

    const res = await execute(t, program());
    const listed = await request(t.app).get('/api/v2/piston/runtimes');
    const keyed = await execute(t, program()).set('X-API-Key', 'acme-secret-key-0123456789');

    expectPistonError(res, 401, 'api_key_required');
    expectPistonError(listed, 401, 'api_key_required');
    expect(keyed.status).toBe(200);
  });

  it('when the gateway is at its concurrency limit with a full queue, then 503 overloaded', async () => {
    const t = await build(
      { MAX_CONCURRENT_EXECUTIONS: '1', MAX_QUEUE_SIZE: '0' },
      { delayMs: 300 },
    );

    const first = execute(t, program()).then((res) => res);
    await waitForJob(t);
    const second = await execute(t, program());

    expectPistonError(second, 503, 'overloaded');
    expect((await first).status).toBe(200);
  });

  it('when the same request comes again with the result cache on, then Piston is asked once and the answer is the same', async () => {
    const t = await build({ RESULT_CACHE_TTL_MS: '60000' });
    const body = loadFixture('python-timeout').request.body;

    const first = await execute(t, body);
    const second = await execute(t, body);

    expect(first.headers['x-cache']).toBe('MISS');
    expect(second.headers['x-cache']).toBe('HIT');
    expect(second.text).toBe(first.text);
    expect(second.body.run.message).toBe('Time limit exceeded (wall clock)');
    expect(t.fake.executeCalls()).toHaveLength(1);
  });

  it('when identical requests arrive together, then they share one execution', async () => {
    const t = await build({}, { delayMs: 200 });
    const body = program();

    const [a, b] = await Promise.all([execute(t, body), execute(t, body)]);

    expect([a.headers['x-cache'], b.headers['x-cache']].sort()).toEqual(['COALESCED', 'MISS']);
    expect(b.text).toBe(a.text);
    expect(t.fake.executeCalls()).toHaveLength(1);
  });

  it('when the same text is valid here but not in the native API, then the native API still refuses it', async () => {
    const t = await build();
    const body = program({ run_timeout: 1000 });

    await execute(t, body).expect(200);
    const native = await request(t.app)
      .post('/api/execute')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(body));

    expect(native.status).toBe(400);
    expect(native.body.code).toBe('invalid_request');
  });

  it('when a request ran, then the HTTP and execution metrics count it under the route', async () => {
    const t = await build();

    await execute(t, program()).expect(200);
    await execute(t, program(), '/api/v2/piston').expect(200);
    await request(t.app).get('/api/v2/runtimes').expect(200);
    const text = await scrapeMetrics(t.app);

    const http = (route: string, method: string) =>
      sample(text, `gateway_http_requests_total{method="${method}",route="${route}",status="200"}`);
    expect(http('/api/v2/execute', 'POST')).toBe(1);
    expect(http('/api/v2/piston/execute', 'POST')).toBe(1);
    expect(http('/api/v2/runtimes', 'GET')).toBe(1);
    expect(sample(text, 'gateway_executions_total{language="python",status="ok"}')).toBe(2);
  });

  it('when the native API runs the same program, then its answer keeps its own shape', async () => {
    const t = await build();

    const res = await request(t.app)
      .post('/api/execute')
      .send({ language: 'python', code: 'print(1)' });

    expect(ExecuteResponseSchema.safeParse(res.body).success).toBe(true);
  });
});

describe('every other Piston path', () => {
  it.each([
    ['GET', '/api/v2/packages'],
    ['POST', '/api/v2/packages'],
    ['DELETE', '/api/v2/packages'],
    ['GET', '/api/v2/piston/packages'],
    ['GET', '/api/v2/connect'],
    ['GET', '/api/v2'],
    ['GET', '/api/v2/runtimes/extra'],
  ])('when %s %s is asked, then 404 not_found and nothing reaches Piston', async (method, path) => {
    const t = await build();

    const res = await request(t.app)[method.toLowerCase() as 'get'](path);

    expectPistonError(res, 404, 'not_found');
    expect(t.fake.requests.filter((r) => r.path.startsWith('/api/v2/packages'))).toEqual([]);
  });

  it('when execute is asked with GET, then 405 naming POST', async () => {
    const t = await build();

    const res = await request(t.app).get('/api/v2/execute');

    expectPistonError(res, 405, 'method_not_allowed');
    expect(res.headers.allow).toBe('POST');
  });
});
