import { describe, expect, it } from 'vitest';
import { classifyStage, mapPistonResult } from '../../src/execution/map-result.js';
import { PistonExecuteResponseSchema, type PistonStage } from '../../src/piston/piston-schemas.js';
import { ExecuteResponseSchema } from '../../src/schemas/execute-response.js';
import { executionFixtures, loadFixture } from '../support/fixtures.js';

function mapFixture(name: string) {
  return mapPistonResult(PistonExecuteResponseSchema.parse(loadFixture(name).response.body));
}

const EXPECTED_STATUS: Record<string, string> = {
  'python-runtime-error': 'runtime_error',
  'python-exit-code-3': 'runtime_error',
  'python-timeout': 'timeout',
  'python-output-limit': 'output_limit',
  'python-output-limit-flushed': 'output_limit',
  'python-stderr-limit': 'output_limit',
  'c-compile-error': 'compile_error',
  'cpp-compile-error': 'compile_error',
  'c-segfault': 'runtime_error',
};

describe('mapPistonResult', () => {
  it.each(executionFixtures().map((f) => [f.name]))(
    'when Piston answers like %s, then the result has our shape and the right status',
    (name) => {
      const result = mapFixture(name);

      expect(ExecuteResponseSchema.safeParse(result).success).toBe(true);
      expect(result.status).toBe(EXPECTED_STATUS[name] ?? 'ok');
      expect(result.success).toBe(result.status === 'ok');
      expect('error' in result).toBe(!result.success);
    },
  );

  it('when the program succeeds, then output is stdout and the run stage is reported', () => {
    const result = mapFixture('python-hello');

    expect(result).toMatchObject({
      success: true,
      output: 'Hello, World!\n',
      stderr: '',
      exitCode: 0,
      signal: null,
      language: 'python',
      version: '3.11.2',
      truncated: false,
      run: { exitCode: 0, cpuTimeMs: 18, wallTimeMs: 19, memoryBytes: 10_888_000 },
    });
    expect(result.compile).toBeUndefined();
  });

  it('when compilation fails, then the compiler output is shown and no run stage exists', () => {
    const result = mapFixture('c-compile-error');

    expect(result.error).toBe('Compilation Error');
    expect(result.stderr).toContain("expected ';' before 'return'");
    expect(result.exitCode).toBe(1);
    expect(result.compile?.exitCode).toBe(1);
    expect(result.run).toBeUndefined();
  });

  it('when a compiled program runs, then both stages are reported', () => {
    const result = mapFixture('c-hello');

    expect(result.compile).toMatchObject({ exitCode: 0, wallTimeMs: 208 });
    expect(result.run).toMatchObject({ stdout: 'Hello, C!\n' });
  });

  it('when the program exits non-zero, then the error names the exit code', () => {
    expect(mapFixture('python-exit-code-3')).toMatchObject({
      error: 'Runtime Error (exit code 3)',
      exitCode: 3,
    });
  });

  it('when a shell run script reports 139, then it is a SIGSEGV', () => {
    expect(mapFixture('c-segfault')).toMatchObject({
      error: 'Runtime Error (Signal: SIGSEGV)',
      signal: 'SIGSEGV',
      exitCode: 139,
      output: 'about to crash\n',
    });
  });

  it('when the wall clock runs out, then it is a timeout with rounded times', () => {
    const result = mapFixture('python-timeout');

    expect(result).toMatchObject({ error: 'Time Limit Exceeded', signal: 'SIGKILL' });
    expect(result.run?.wallTimeMs).toBe(1011);
  });

  it.each(['python-output-limit', 'python-stderr-limit'])(
    'when %s, then the result is marked truncated',
    (name) => {
      expect(mapFixture(name)).toMatchObject({ truncated: true, error: 'Output Limit Exceeded' });
    },
  );
});

describe('classifyStage', () => {
  const stage = (overrides: Partial<PistonStage>): PistonStage => ({
    stdout: '',
    stderr: '',
    code: 0,
    signal: null,
    ...overrides,
  });

  it.each([
    [{ status: 'SG', signal: 'SIGKILL', code: null }, 'killed', 'Killed (Signal: SIGKILL)'],
    [
      { status: 'SG', signal: 'SIGFPE', code: null },
      'runtime_error',
      'Runtime Error (Signal: SIGFPE)',
    ],
    [{ status: 'XX', code: null }, 'internal_error', 'Internal Error'],
    [{ status: 'RE', code: 137 }, 'killed', 'Killed (Signal: SIGKILL)'],
    [{ status: 'RE', code: null }, 'runtime_error', 'Runtime Error'],
    [{ status: 'ZZ', code: 2 }, 'runtime_error', 'Runtime Error (exit code 2)'],
    [
      { status: null, signal: 'SIGABRT', code: null },
      'runtime_error',
      'Runtime Error (Signal: SIGABRT)',
    ],
  ] as const)('when a run stage is %j, then it is %s', (overrides, status, error) => {
    expect(classifyStage(stage(overrides), 'run')).toMatchObject({ status, error });
  });

  it('when compilation times out, then it is a timeout that says compilation', () => {
    expect(classifyStage(stage({ status: 'TO', code: null }), 'compile')).toMatchObject({
      status: 'timeout',
      error: 'Compilation Time Limit Exceeded',
    });
  });

  it('when an older Piston omits status and resources, then a clean exit is ok', () => {
    expect(classifyStage(stage({}), 'run')).toEqual({ status: 'ok', signal: null });
  });
});
