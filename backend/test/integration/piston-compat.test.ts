import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  PistonCompatErrorSchema,
  PistonCompatResponseSchema,
} from '../../src/compat/piston/piston-response.js';
import { ExecuteResponseSchema } from '../../src/schemas/execute-response.js';
import { useTestApps, type TestApp } from '../support/build-test-app.js';
import { executionFixtures, loadFixture } from '../support/fixtures.js';
import { sample, scrapeMetrics } from '../support/scrape-metrics.js';

const build = useTestApps();
const BASES = ['/api/v2', '/api/v2/piston'];

/** Asserts an error in the Piston-compatible API's shape: `{message, code, details?, requestId}`. */
function expectPistonError(res: request.Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/application\/json/);
  expect(PistonCompatErrorSchema.safeParse(res.body).success).toBe(true);
  expect(res.body.code).toBe(code);
  expect(res.body.requestId).toBe(res.headers['x-request-id']);
}

const execute = (t: TestApp, body: unknown, base = '/api/v2') =>
  request(t.app)
    .post(`${base}/execute`)
    .set('Content-Type', 'application/json')
    .send(JSON.stringify(body));

let n = 0;
const program = (extra: Record<string, unknown> = {}) => ({
  language: 'python',
  version: '3.11.2',
  files: [{ name: 'main.py', content: `print(${++n})` }],
  ...extra,
});

/** What the fake Piston answers for each recorded program: the first fixture with its source. */
function recordedAnswers(): Map<string, unknown> {
  const answers = new Map<string, unknown>();
  for (const fixture of executionFixtures()) {
    const key = (fixture.request.body as { files: { content: string }[] }).files[0]?.content;
    if (key !== undefined && !answers.has(key)) answers.set(key, fixture.response.body);
  }
  return answers;
}

describe.each(BASES)('GET %s/runtimes', (base) => {
  it("when asked, then it lists the installed runtimes exactly as Piston's own list does", async () => {
    const t = await build();

    const res = await request(t.app).get(`${base}/runtimes`);

    expect(res.status).toBe(200);
    expect(res.text).toBe(JSON.stringify(loadFixture('runtimes').response.body));
  });
});

describe.each(BASES)('POST %s/execute with every recorded Piston request', (base) => {
  it("when a recorded request is sent, then the answer is Piston's, byte for byte in its key order", async () => {
    const t = await build({ MAX_RUN_TIMEOUT_MS: '5000' });
    const answers = recordedAnswers();

    for (const fixture of executionFixtures()) {
      const res = await execute(t, fixture.request.body, base);
      const source = (fixture.request.body as { files: { content: string }[] }).files[0]?.content;

      expect(res.status, fixture.name).toBe(200);
      expect(res.text, fixture.name).toBe(JSON.stringify(answers.get(source ?? '')));
      expect(PistonCompatResponseSchema.safeParse(res.body).success, fixture.name).toBe(true);
    }
  }, 30_000);
});

describe('POST /api/v2/execute: what Piston clients depend on', () => {
  it("when compilation fails, then `run` is a copy of `compile`, with Piston's message and status", async () => {
    const t = await build();

    const res = await execute(t, loadFixture('c-compile-error').request.body);

    expect(res.body.run).toEqual(res.body.compile);
    expect(res.body.compile).toMatchObject({
      code: 1,
      status: 'RE',
      message: 'Exited with error status 1',
    });
  });

  it("when the program is stopped at a limit, then Piston's status, message and timings are kept (the native API drops them)", async () => {
    const t = await build();
    const body = loadFixture('python-timeout').request.body;

    const res = await execute(t, body);

    expect(res.body.run).toMatchObject({
      status: 'TO',
      message: 'Time limit exceeded (wall clock)',
      signal: 'SIGKILL',
      code: null,
    });
    expect(typeof res.body.run.cpu_time).toBe('number');
    expect(typeof res.body.run.wall_time).toBe('number');
    expect(typeof res.body.run.memory).toBe('number');
  });

  it.each([
    ['*', '3.11.2'],
    ['3.x', '3.11.2'],
    ['3.11.2', '3.11.2'],
    ['>=3.10 <4', '3.11.2'],
  ])('when version is %s, then the runtime cache resolves it to %s', async (version, exact) => {
    const t = await build();

    const res = await execute(t, program({ version }));

    expect(res.status).toBe(200);
    expect(res.body.version).toBe(exact);
    expect(t.fake.lastExecuteBody().version).toBe(exact);
  });

  it('when the language is given by alias, then the answer names the canonical language', async () => {
    const t = await build();

    const res = await execute(t, { ...program(), language: 'py3', version: '*' });

    expect(res.status).toBe(200);
    expect(res.body.language).toBe('python');
  });
});

describe('POST /api/v2/execute: lenient in what it reads', () => {
  it('when the JSON comes as text/plain (node-fetch, the recorded fixture), then it is read as JSON', async () => {
    const t = await build();
    const { body, headers } = loadFixture('non-json-content-type').request as {
      body: string;
      headers?: Record<string, string>;
    };

    const res = await request(t.app)
      .post('/api/v2/execute')
      .set('Content-Type', headers?.['content-type'] ?? 'text/plain')
      .send(typeof body === 'string' ? body : JSON.stringify(body));

    expect(res.status).toBe(200);
    expect(PistonCompatResponseSchema.safeParse(res.body).success).toBe(true);
  });

  it('when the JSON comes as a form (curl -d), then it is read as JSON', async () => {
    const t = await build();

    const res = await request(t.app)
      .post('/api/v2/execute')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send(JSON.stringify(program()));

    expect(res.status).toBe(200);
  });

  it('when no content type is sent at all, then the body is still read as JSON', async () => {
    const t = await build();

    const res = await request(t.app)
      .post('/api/v2/execute')
      .unset('Content-Type')
      .send(Buffer.from(JSON.stringify(program())));

    expect(res.status).toBe(200);
  });

  it('when version is left out (recorded: Piston refuses it), then the newest installed runs', async () => {
    const t = await build();
    const body = loadFixture('missing-version').request.body as Record<string, unknown>;

    const res = await execute(t, body);

    expect(body).not.toHaveProperty('version');
    expect(res.status).toBe(200);
    expect(res.body.version).toBe('3.11.2');
  });

  it('when stdin, args, file names and limits are left out or null, then the defaults apply', async () => {
    const t = await build();

    const res = await execute(t, {
      language: 'python',
      version: '3.11.2',
      files: [{ content: 'print(1)', name: null, encoding: null }],
      stdin: null,
      args: null,
      run_timeout: null,
      unknown_field: 'ignored, as Piston ignores it',
    });

    expect(res.status).toBe(200);
    const sent = t.fake.lastExecuteBody();
    expect(sent).toMatchObject({ stdin: '', args: [], run_timeout: t.config.RUN_TIMEOUT_MS });
    expect(sent).not.toHaveProperty('unknown_field');
  });
});

describe('POST /api/v2/execute: a client limit is a request, never a permission', () => {
  it.each([
    { what: '-1 (no limit)', value: -1, expected: 5000 },
    { what: '0 (no limit)', value: 0, expected: 5000 },
    { what: 'above the maximum', value: 1e9, expected: 5000 },
    { what: 'below the maximum', value: 1500, expected: 1500 },
    { what: 'a fraction', value: 1500.2, expected: 1501 },
  ])(
    'when run_timeout is $what, then Piston is asked for $expected',
    async ({ value, expected }) => {
      const t = await build({ MAX_RUN_TIMEOUT_MS: '5000' });

      await execute(t, program({ run_timeout: value })).expect(200);

      expect(t.fake.lastExecuteBody().run_timeout).toBe(expected);
    },
  );

  it('when every limit is "no limit" (piston-client sends -1 memory), then every one is the maximum', async () => {
    const t = await build({
      COMPILE_TIMEOUT_MS: '8000',
      RUN_MEMORY_LIMIT_BYTES: '100000000',
      COMPILE_MEMORY_LIMIT_BYTES: '200000000',
    });

    await execute(
      t,
      program({
        compile_timeout: 0,
        run_timeout: -1,
        compile_cpu_time: -1,
        run_cpu_time: 0,
        compile_memory_limit: -1,
        run_memory_limit: 0,
      }),
    ).expect(200);

    expect(t.fake.lastExecuteBody()).toMatchObject({
      compile_timeout: 8000,
      run_timeout: t.config.MAX_RUN_TIMEOUT_MS,
      compile_cpu_time: 8000,
      run_cpu_time: t.config.MAX_RUN_TIMEOUT_MS,
      compile_memory_limit: 200_000_000,
      run_memory_limit: 100_000_000,
    });
  });

  it('when smaller limits are asked for, then they are honoured (memory at least 1000 bytes)', async () => {
    const t = await build();

    await execute(
      t,
      program({
        compile_timeout: 2000,
        run_timeout: 1000,
        compile_cpu_time: 1500,
        run_cpu_time: 500,
        compile_memory_limit: 50_000_000,
        run_memory_limit: 10,
      }),
    ).expect(200);

    expect(t.fake.lastExecuteBody()).toMatchObject({
      compile_timeout: 2000,
      run_timeout: 1000,
      compile_cpu_time: 1500,
      run_cpu_time: 500,
      compile_memory_limit: 50_000_000,
      // Piston counts whole kilobytes: 10 bytes would be 0 KB, which isolate reads as no limit.
      run_memory_limit: 1000,
    });
  });

  it('when run_cpu_time is left out, then it follows the run timeout asked for', async () => {
    const t = await build();

    await execute(t, program({ run_timeout: 1200 })).expect(200);

    expect(t.fake.lastExecuteBody()).toMatchObject({ run_timeout: 1200, run_cpu_time: 1200 });
  });
});

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

async function waitForJob(t: TestApp): Promise<void> {
  while (t.fake.jobsRunning() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
}
