import { describe, expect, it } from 'vitest';
import { mapPistonResult } from '../../src/execution/map-result.js';
import type { PistonStage } from '../../src/piston/piston-schemas.js';
import { TestsResponseSchema } from '../../src/schemas/verdicts.js';
import { judgeTests, type TestsOptions } from '../../src/verdicts/judge.js';
import { executionFixtures, loadFixture } from '../support/fixtures.js';
import { pistonStage } from '../support/piston-requests.js';

const result = (run: Partial<PistonStage>, language = 'python') =>
  mapPistonResult({ language, version: '1', run: pistonStage(run) });

const options = (expected: string[], extra: Partial<TestsOptions> = {}): TestsOptions => ({
  tests: expected.map((expectedOutput) => ({ expectedOutput })),
  compare: 'lines',
  tolerance: undefined,
  reveal: true,
  ...extra,
});

describe('judgeTests', () => {
  it.each([
    [{ code: 1, stderr: 'Traceback' }, 'runtime_error'],
    [{ code: null, signal: 'SIGKILL', status: 'TO' as const }, 'timeout'],
    [{ code: null, signal: 'SIGKILL', status: 'OL' as const }, 'output_limit'],
    [{ code: null, signal: 'SIGKILL' }, 'killed'],
    [{ code: 139 }, 'runtime_error'],
    [{ code: 0, stdout: '4\n' }, 'wrong_answer'],
    [{ code: 0, stdout: '3\n' }, 'accepted'],
  ])('when the run ends as %j, then the verdict is %s', (run, verdict) => {
    const answer = judgeTests([result(run)], options(['3']));

    expect(answer.verdict).toBe(verdict);
    expect(answer.tests[0]?.verdict).toBe(verdict);
    expect(TestsResponseSchema.safeParse(answer).success).toBe(true);
  });

  it('when the program exits 1 after printing the right answer, then it is a runtime_error', () => {
    const answer = judgeTests([result({ code: 1, stdout: '3\n' })], options(['3']));

    expect(answer).toMatchObject({ verdict: 'runtime_error', passed: 0 });
  });

  it.each(
    executionFixtures()
      .filter((f) => f.name.endsWith('compile-error'))
      .map((f) => [f.name]),
  )(
    'when %s does not compile, then every test is compile_error and compile is reported once',
    (name) => {
      const piston = loadFixture(name).response.body as Parameters<typeof mapPistonResult>[0];
      const answer = judgeTests([mapPistonResult(piston)], options(['a', 'b']));

      expect(answer).toMatchObject({ verdict: 'compile_error', passed: 0, total: 2 });
      expect(answer.compile?.stderr).not.toBe('');
      expect(answer.tests.map((t) => [t.verdict, t.output, t.wallTimeMs])).toEqual([
        ['compile_error', '', null],
        ['compile_error', '', null],
      ]);
      expect(TestsResponseSchema.safeParse(answer).success).toBe(true);
    },
  );

  it('when tests are hidden, then output, stderr and expected output are null', () => {
    const answer = judgeTests(
      [result({ stdout: 'x\n', stderr: 'y' })],
      options(['x'], { reveal: false }),
    );

    expect(answer.tests[0]).toMatchObject({
      verdict: 'accepted',
      output: null,
      stderr: null,
      expectedOutput: null,
      exitCode: 0,
    });
  });
});
