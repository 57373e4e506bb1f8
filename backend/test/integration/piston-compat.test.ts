import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { PistonCompatResponseSchema } from '../../src/compat/piston/piston-response.js';
import { useTestApps } from '../support/build-test-app.js';
import { executionFixtures, loadFixture } from '../support/fixtures.js';
import { execute, program } from '../support/piston-compat.js';

const build = useTestApps();
const BASES = ['/api/v2', '/api/v2/piston'];

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
