import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ExecuteResponseSchema } from '../../src/schemas/execute-response.js';
import { buildTestApp, postExecute, type TestApp } from '../support/build-test-app.js';
import { expectError } from '../support/expect-error.js';
import { executionFixtures } from '../support/fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  t.fake.behave('execute', undefined);
  t.fake.behave('runtimes', undefined);
});

const execute = (body: unknown) => postExecute(t, body);
const lastPistonBody = () => t.fake.lastExecuteBody();

describe('POST /api/execute', () => {
  it.each(executionFixtures().map((f) => [f.name, f] as const))(
    'when replaying %s, then the answer is 200 with our result shape',
    async (_name, fixture) => {
      const piston = fixture.request.body as {
        language: string;
        version: string;
        files: { name?: string; content: string; encoding?: string }[];
        stdin?: string;
        args?: string[];
      };
      const res = await execute({
        language: piston.language,
        ...(piston.version === '*' ? {} : { version: piston.version }),
        files: piston.files,
        ...(piston.stdin === undefined ? {} : { stdin: piston.stdin }),
        ...(piston.args === undefined ? {} : { args: piston.args }),
      });

      expect(res.status).toBe(200);
      expect(ExecuteResponseSchema.safeParse(res.body).success).toBe(true);
      const recorded = fixture.response.body as { language: string; version: string };
      expect(res.body).toMatchObject({ language: recorded.language, version: recorded.version });
    },
  );

  it('when code is sent, then Piston gets an exact version, a named file and the limits', async () => {
    const res = await execute({ language: 'Python3', code: 'print("Hello, World!")' });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, output: 'Hello, World!\n', status: 'ok' });
    expect(lastPistonBody()).toEqual({
      language: 'python',
      version: '3.11.2',
      files: [{ name: 'main.py', content: 'print("Hello, World!")' }],
      stdin: '',
      args: [],
      compile_timeout: 10_000,
      run_timeout: 3000,
      compile_cpu_time: 10_000,
      run_cpu_time: 3000,
      compile_memory_limit: 256_000_000,
      run_memory_limit: 128_000_000,
    });
  });

  it('when stdin and args are sent, then they reach Piston unchanged', async () => {
    await execute({ language: 'py', code: 'x', stdin: 'in', args: ['one', 'two words'] });

    expect(lastPistonBody()).toMatchObject({ stdin: 'in', args: ['one', 'two words'] });
  });

  it('when an argument holds NUL, then it is a 400 naming it and Piston is not called', async () => {
    const calls = t.fake.executeCalls().length;

    const res = await execute({ language: 'python', code: 'x', args: ['ok', 'a\u0000b'] });

    expectError(res, 400, 'invalid_request');
    expect(res.body.details).toEqual([
      expect.objectContaining({ field: 'args.1', message: expect.stringMatching(/NUL/) }),
    ]);
    expect(t.fake.executeCalls()).toHaveLength(calls);
  });

  it('when the version is an empty string, then the newest installed version runs', async () => {
    const res = await execute({ language: 'python', version: '', code: 'x' });

    expect(res.status).toBe(200);
    expect(lastPistonBody().version).toBe('3.11.2');
  });

  it('when the timeout is above the maximum, then Piston gets the maximum', async () => {
    await execute({ language: 'python', code: 'x', timeout: 999_999 });

    expect(lastPistonBody()).toMatchObject({ run_timeout: 5000, run_cpu_time: 5000 });
  });

  it.each([0, -1])(
    'when the timeout is %d, then it is a 400 (Piston reads 0 as no limit)',
    async (timeout) => {
      const res = await execute({ language: 'python', code: 'x', timeout });

      expectError(res, 400, 'invalid_request');
      expect(res.body.details[0].field).toBe('timeout');
    },
  );

  it('when the language is unknown, then it is a 400 with suggestions', async () => {
    const res = await execute({ language: 'pyhton', code: 'x' });

    expectError(res, 400, 'unsupported_language');
    expect(res.body.details[0].suggestions).toEqual(['python']);
  });

  it('when the version is not installed, then it is a 400 listing installed versions', async () => {
    const res = await execute({ language: 'python', version: '2.7', code: 'x' });

    expectError(res, 400, 'unsupported_version');
    expect(res.body.details[0].installed).toEqual(['3.11.2']);
  });

  it('when the version is a range, then it resolves to the installed version', async () => {
    const res = await execute({ language: 'python', version: '3.x', code: 'x' });

    expect(res.status).toBe(200);
    expect(lastPistonBody().version).toBe('3.11.2');
  });

  it('when the program fails to compile, then it is 200 with compile_error', async () => {
    const res = await execute({
      language: 'c',
      code: '#include <stdio.h>\nint main(void) {\n    printf("missing semicolon")\n    return 0;\n}\n',
    });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      success: false,
      status: 'compile_error',
      error: 'Compilation Error',
    });
    expect(res.body.run).toBeUndefined();
  });
});

describe('POST /api/execute, body handling', () => {
  it('when the body is malformed JSON, then it is a 400 invalid_json without a stack', async () => {
    const res = await request(t.app)
      .post('/api/execute')
      .set('Content-Type', 'application/json')
      .send('{"language": "python", ');

    expectError(res, 400, 'invalid_json');
    expect(JSON.stringify(res.body)).not.toMatch(/at |node_modules|SyntaxError/);
  });

  it('when the content type is not JSON, then it is a 415', async () => {
    const res = await request(t.app)
      .post('/api/execute')
      .set('Content-Type', 'text/plain')
      .send('print(1)');

    expectError(res, 415, 'unsupported_media_type');
  });

  it('when there is no body at all, then it is a 415', async () => {
    expectError(await request(t.app).post('/api/execute'), 415, 'unsupported_media_type');
  });

  it('when the JSON is not an object, then it is a 400', async () => {
    const res = await request(t.app)
      .post('/api/execute')
      .set('Content-Type', 'application/json')
      .send('[1, 2]');

    expectError(res, 400, 'invalid_request');
  });

  it('when the body exceeds BODY_LIMIT, then it is a 413', async () => {
    const res = await execute({ language: 'python', code: 'x'.repeat(1_100_000) });

    expectError(res, 413, 'payload_too_large');
  });

  it('when the code exceeds MAX_CODE_BYTES, then it is a 413 naming the field', async () => {
    const res = await execute({ language: 'python', code: 'x'.repeat(102_401) });

    expectError(res, 413, 'payload_too_large');
    expect(res.body.details[0].field).toBe('code');
  });

  it('when stdin exceeds MAX_STDIN_BYTES, then it is a 413 naming the field', async () => {
    const res = await execute({ language: 'python', code: 'x', stdin: 'y'.repeat(10_241) });

    expectError(res, 413, 'payload_too_large');
    expect(res.body.details[0].field).toBe('stdin');
  });

  it('when a field is misspelled, then the 400 names it', async () => {
    const res = await execute({ language: 'python', code: 'x', stdn: 'typo' });

    expectError(res, 400, 'invalid_request');
    expect(res.body.details).toContainEqual({
      field: 'stdn',
      message: 'is not a recognised field',
    });
  });
});

describe('POST /api/execute with PISTON_AUTH_HEADER', () => {
  it('when a shared secret is configured, then every Piston call carries it', async () => {
    const secured = await buildTestApp({ PISTON_AUTH_HEADER: 'X-Piston-Secret: s3cret' });
    try {
      await request(secured.app).post('/api/execute').send({ language: 'python', code: 'x' });

      expect(secured.fake.requests.length).toBeGreaterThanOrEqual(2);
      for (const call of secured.fake.requests) {
        expect(call.headers['x-piston-secret']).toBe('s3cret');
      }
    } finally {
      await secured.close();
    }
  });
});
