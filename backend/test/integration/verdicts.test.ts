import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ExecuteResponseSchema } from '../../src/schemas/execute-response.js';
import { TestsResponseSchema } from '../../src/schemas/verdicts.js';
import { postExecute, useTestApps, type TestApp } from '../support/build-test-app.js';
import { expectError } from '../support/expect-error.js';
import { loadFixture } from '../support/fixtures.js';
import { runProgram } from '../support/test-programs.js';

const C_COMPILE_ERROR = (
  loadFixture('c-compile-error').request.body as { files: { content: string }[] }
).files[0]?.content as string;

const stdins = (t: TestApp) =>
  t.fake.executeCalls().map((call) => (call.body as { stdin: string }).stdin);

describe('POST /api/execute with tests', () => {
  const build = useTestApps();
  const app = (env: Record<string, string> = {}) => build(env, { runProgram });

  it('when every test prints its expected output, then the verdict is accepted, tests in order', async () => {
    const t = await app();
    const res = await postExecute(t, {
      language: 'python',
      code: 'sum',
      tests: [
        { name: 'small', stdin: '1 2', expectedOutput: '3' },
        { stdin: '10 20 30', expectedOutput: '60\n' },
        { name: 'zero', stdin: '', expectedOutput: '0\r\n\n' },
      ],
    });

    expect(res.status).toBe(200);
    expect(TestsResponseSchema.parse(res.body)).toMatchObject({
      verdict: 'accepted',
      passed: 3,
      total: 3,
      language: 'python',
      version: '3.11.2',
    });
    expect(res.body.tests).toEqual([
      expect.objectContaining({
        name: 'small',
        verdict: 'accepted',
        output: '3\n',
        expectedOutput: '3',
      }),
      expect.objectContaining({ name: 'test 2', verdict: 'accepted', output: '60\n', exitCode: 0 }),
      expect.objectContaining({ name: 'zero', verdict: 'accepted', status: 'ok', stderr: '' }),
    ]);
    expect(res.body.tests[0]).toMatchObject({ wallTimeMs: 2, cpuTimeMs: 1, memoryBytes: 1000 });
    expect(stdins(t).sort()).toEqual(['', '1 2', '10 20 30']);
    expect(res.headers['x-cache']).toBe('MISS');
  });

  it('when one test fails, then the verdict is the first failure and passed counts the rest', async () => {
    const t = await app();
    const res = await postExecute(t, {
      language: 'python',
      code: 'fails on 2',
      tests: [
        { stdin: '1', expectedOutput: '1' },
        { stdin: '3', expectedOutput: '4' },
        { stdin: '2', expectedOutput: '2' },
      ],
    });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ verdict: 'wrong_answer', passed: 1, total: 3 });
    expect(res.body.tests.map((test: { verdict: string }) => test.verdict)).toEqual([
      'accepted',
      'wrong_answer',
      'runtime_error',
    ]);
    expect(res.body.tests[2]).toMatchObject({
      status: 'runtime_error',
      exitCode: 1,
      stderr: 'boom\n',
    });
  });

  it('when a test crashes before a wrong answer, then the verdict is runtime_error', async () => {
    const t = await app();
    const res = await postExecute(t, {
      language: 'python',
      code: 'fails on 2',
      tests: [
        { stdin: '2', expectedOutput: '2' },
        { stdin: '3', expectedOutput: '4' },
      ],
    });

    expect(res.body).toMatchObject({ verdict: 'runtime_error', passed: 0 });
  });

  it('when the program does not compile, then only the first test runs and every test is compile_error', async () => {
    const t = await app();
    const res = await postExecute(t, {
      language: 'c',
      code: C_COMPILE_ERROR,
      tests: [
        { stdin: 'a', expectedOutput: 'x' },
        { stdin: 'b', expectedOutput: 'y' },
        { stdin: 'c', expectedOutput: 'z' },
      ],
    });

    expect(res.status).toBe(200);
    expect(TestsResponseSchema.parse(res.body)).toMatchObject({
      verdict: 'compile_error',
      passed: 0,
      total: 3,
      compile: { exitCode: 1 },
    });
    expect(res.body.compile.stderr).toContain("expected ';'");
    expect(res.body.tests).toHaveLength(3);
    for (const test of res.body.tests) {
      expect(test).toMatchObject({
        verdict: 'compile_error',
        output: '',
        exitCode: null,
        wallTimeMs: null,
      });
    }
    expect(stdins(t)).toEqual(['a']);
  });

  it('when tests are run, then the first runs alone and the others after it', async () => {
    const seenBeforeFirstAnswer: number[] = [];
    const t = await build(
      {},
      {
        delayMs: 20,
        runProgram: (input) => {
          if (input.stdin === 'first') seenBeforeFirstAnswer.push(t.fake.executeCalls().length);
          return { stdout: input.stdin };
        },
      },
    );
    const tests = ['first', 'b', 'c', 'd'].map((stdin) => ({ stdin, expectedOutput: stdin }));
    const res = await postExecute(t, { language: 'python', code: 'x', tests });

    expect(res.body).toMatchObject({ verdict: 'accepted', passed: 4 });
    expect(seenBeforeFirstAnswer).toEqual([1]);
    expect(t.fake.executeCalls()).toHaveLength(4);
  });

  it('when a request has more tests than slots and queue, then none is shed: they wait inside the request', async () => {
    const t = await build(
      { MAX_CONCURRENT_EXECUTIONS: '2', MAX_QUEUE_SIZE: '1' },
      { delayMs: 20, runProgram },
    );
    const tests = ['1', '2', '3', '4', '5', '6'].map((stdin) => ({ stdin, expectedOutput: stdin }));
    const res = await postExecute(t, { language: 'python', code: 'echo', tests });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ verdict: 'accepted', passed: 6 });
    expect(t.fake.peakJobs()).toBeLessThanOrEqual(2);
  });

  it('when the comparison is tokens or number, then whitespace and tolerance are as asked', async () => {
    const t = await app();
    const tokens = await postExecute(t, {
      language: 'python',
      code: 'echo',
      compare: 'tokens',
      tests: [{ stdin: '1   2\n3', expectedOutput: '1 2 3' }],
    });
    const number = await postExecute(t, {
      language: 'python',
      code: 'echo',
      compare: 'number',
      tolerance: 0.01,
      tests: [
        { stdin: '3.141', expectedOutput: '3.14' },
        { stdin: '2.5', expectedOutput: '2.6' },
      ],
    });
    const exact = await postExecute(t, {
      language: 'python',
      code: 'echo',
      compare: 'exact',
      tests: [{ stdin: 'a\r\n', expectedOutput: 'a\n' }],
    });

    expect(tokens.body).toMatchObject({ verdict: 'accepted' });
    expect(number.body).toMatchObject({ verdict: 'wrong_answer', passed: 1 });
    // The lines rule would accept this; exact compares every character.
    expect(exact.body).toMatchObject({ verdict: 'wrong_answer' });
  });

  it('when a test has args, then they replace the request args for that test only', async () => {
    const t = await app();
    const res = await postExecute(t, {
      language: 'python',
      code: 'args',
      args: ['default'],
      tests: [{ expectedOutput: 'default' }, { args: ['a', 'b'], expectedOutput: 'a b' }],
    });

    expect(res.body).toMatchObject({ verdict: 'accepted', passed: 2 });
  });

  it('when reveal is false, then outputs and expected outputs are hidden except where a test reveals', async () => {
    const t = await app();
    const res = await postExecute(t, {
      language: 'python',
      code: 'fails on 2',
      reveal: false,
      tests: [
        { stdin: 'secret', expectedOutput: 'secret' },
        { stdin: 'shown', expectedOutput: 'nope', reveal: true },
      ],
    });

    expect(res.body.tests[0]).toMatchObject({
      verdict: 'accepted',
      output: null,
      stderr: null,
      expectedOutput: null,
      exitCode: 0,
    });
    expect(JSON.stringify(res.body)).not.toContain('secret');
    expect(res.body.tests[1]).toMatchObject({
      verdict: 'wrong_answer',
      output: 'shown',
      expectedOutput: 'nope',
    });
  });

  it('when the same tests are sent again, then the result cache answers without Piston', async () => {
    const t = await app({ RESULT_CACHE_TTL_MS: '60000' });
    const body = {
      language: 'python',
      code: 'echo',
      tests: [
        { stdin: '1', expectedOutput: '1' },
        { stdin: '2', expectedOutput: '2' },
      ],
    };
    await postExecute(t, body);
    const again = await postExecute(t, body);

    expect(again.status).toBe(200);
    expect(again.headers['x-cache']).toBe('HIT');
    expect(again.body).toMatchObject({ verdict: 'accepted', passed: 2 });
    expect(t.fake.executeCalls()).toHaveLength(2);
  });

  it('when a request has no tests, then the answer is exactly the plain one', async () => {
    const t = await app();
    const res = await postExecute(t, { language: 'python', code: 'echo', stdin: 'hi' });

    expect(ExecuteResponseSchema.parse(res.body)).toMatchObject({ output: 'hi', status: 'ok' });
  });

  it.each([
    [
      'more tests than MAX_TESTS',
      { tests: Array.from({ length: 3 }, () => ({ expectedOutput: '' })) },
      'tests',
    ],
    ['an empty list of tests', { tests: [] }, 'tests'],
    ['compare without tests', { compare: 'tokens' }, 'compare'],
    ['reveal without tests', { reveal: false }, 'reveal'],
    [
      'tolerance without compare number',
      { tests: [{ expectedOutput: '' }], tolerance: 0.1 },
      'tolerance',
    ],
    [
      'a negative tolerance',
      { tests: [{ expectedOutput: '' }], compare: 'number', tolerance: -1 },
      'tolerance',
    ],
    ['an unknown comparison', { tests: [{ expectedOutput: '' }], compare: 'fuzzy' }, 'compare'],
    ['a test without expectedOutput', { tests: [{ stdin: '' }] }, 'tests.0.expectedOutput'],
    ['an unknown test field', { tests: [{ expectedOutput: '', stdn: '' }] }, 'tests.0.stdn'],
    [
      'a test argument with NUL',
      { tests: [{ expectedOutput: '', args: ['\u0000'] }] },
      'tests.0.args.0',
    ],
  ])('when the body has %s, then it is a 400 naming the field', async (_name, extra, field) => {
    const t = await app({ MAX_TESTS: '2' });
    const res = await postExecute(t, { language: 'python', code: 'echo', ...extra });

    expectError(res, 400, 'invalid_request');
    expect(res.body.details).toContainEqual(expect.objectContaining({ field }));
    expect(t.fake.executeCalls()).toHaveLength(0);
  });
});

describe('POST /api/execute with tests: the execution limit', () => {
  const build = useTestApps();
  const app = (env: Record<string, string> = {}) =>
    build({ EXECUTE_RATE_LIMIT_MAX: '3', ...env }, { runProgram });
  const usage = async (t: TestApp) => {
    const res = await request(t.app).get('/api/usage');
    return (res.body.limits as { name: string; remaining: number }[]).find(
      (l) => l.name === 'execute',
    )?.remaining;
  };
  const testsOf = (n: number) =>
    Array.from({ length: n }, (_v, i) => ({ stdin: `${i}`, expectedOutput: `${i}` }));

  it('when a request has more tests than executions left, then it is a 429 and nothing runs', async () => {
    const t = await app();
    const res = await postExecute(t, { language: 'python', code: 'echo', tests: testsOf(4) });

    expectError(res, 429, 'rate_limited');
    expect(res.headers['retry-after']).toBeDefined();
    expect(t.fake.executeCalls()).toHaveLength(0);
    expect(await usage(t)).toBe(3);
  });

  it('when a request has N tests, then N executions are counted', async () => {
    const t = await app();
    const res = await postExecute(t, { language: 'python', code: 'echo', tests: testsOf(3) });

    expect(res.status).toBe(200);
    expect(res.headers.ratelimit).toContain('"execute"; r=0');
    expect(await usage(t)).toBe(0);
    const next = await postExecute(t, { language: 'python', code: 'echo', stdin: 'more' });
    expectError(next, 429, 'rate_limited');
  });

  it('when the tests are cached, then they are not counted', async () => {
    const t = await app({ RESULT_CACHE_TTL_MS: '60000' });
    await postExecute(t, { language: 'python', code: 'echo', tests: testsOf(2) });
    const again = await postExecute(t, { language: 'python', code: 'echo', tests: testsOf(3) });

    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ verdict: 'accepted', passed: 3 });
    expect(await usage(t)).toBe(0);
    expect(t.fake.executeCalls()).toHaveLength(3);
  });

  it('when the program does not compile, then the tests not run are given back', async () => {
    const t = await app();
    const res = await postExecute(t, {
      language: 'c',
      code: C_COMPILE_ERROR,
      cache: false,
      tests: testsOf(3),
    });

    expect(res.body).toMatchObject({ verdict: 'compile_error' });
    expect(await usage(t)).toBe(2);
  });

  it('when Piston is unreachable, then the request fails and nothing is charged', async () => {
    const t = await app();
    t.fake.behave('execute', { kind: 'reset' });
    const res = await postExecute(t, { language: 'python', code: 'echo', tests: testsOf(3) });

    expectError(res, 503, 'upstream_unavailable');
    expect(await usage(t)).toBe(3);
  });
});
