import { describe, expect, it } from 'vitest';
import { classifyStage, mapPistonResult, terminalOutput } from '../../src/execution/map-result.js';
import { PistonExecuteResponseSchema, type PistonStage } from '../../src/piston/piston-schemas.js';
import { ExecuteResponseSchema } from '../../src/schemas/execute-response.js';
import { executionFixtures, loadFixture } from '../support/fixtures.js';
import { pistonStage } from '../support/piston-requests.js';

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
  'java-compile-error': 'compile_error',
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

  it('when a shell run script reports 139, then it is a SIGSEGV, at the top and in the run stage', () => {
    expect(mapFixture('c-segfault')).toMatchObject({
      error: 'Runtime Error (Signal: SIGSEGV)',
      signal: 'SIGSEGV',
      exitCode: 139,
      output: 'about to crash\n',
      run: { signal: 'SIGSEGV', exitCode: 139 },
    });
  });

  it("when bash reports the crash of Piston's run script, then stderr says what a terminal says", () => {
    const result = mapFixture('c-segfault');

    expect(result.stderr).toBe('Segmentation fault\n');
    expect(result.run?.stderr).toBe('Segmentation fault\n');
  });

  it.each(['python-output-limit', 'python-output-limit-flushed', 'python-stderr-limit'])(
    "when Piston stops %s at the limit, then the sandbox keeper's line reads Killed",
    (name) => {
      const recorded = loadFixture(name).response.body as {
        run: { stdout: string; stderr: string };
      };
      const result = mapFixture(name);

      expect(recorded.run.stderr).toMatch(/Sandbox keeper received fatal signal 6\n$/);
      expect(result.stderr).toBe(
        recorded.run.stderr.replace(/Sandbox keeper received fatal signal 6\n$/, 'Killed\n'),
      );
      expect(result.run?.stderr).toBe(result.stderr);
      expect(result.output).toBe(recorded.run.stdout);
    },
  );

  it("when Java's source launcher cannot compile, then it is a compile error with no run stage", () => {
    const result = mapFixture('java-compile-error');

    expect(result).toMatchObject({
      success: false,
      status: 'compile_error',
      error: 'Compilation Error',
      exitCode: 1,
      signal: null,
      compile: { exitCode: 1 },
    });
    expect(result.stderr).toContain("Main.java.java:3: error: ';' expected");
    expect(result.stderr).toMatch(/error: compilation failed\n$/);
    expect(result.compile?.stderr).toBe(result.stderr);
    expect(result.run).toBeUndefined();
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
    expect(classifyStage(pistonStage(overrides), 'run')).toMatchObject({ status, error });
  });

  it('when compilation times out, then it is a timeout that says compilation', () => {
    expect(classifyStage(pistonStage({ status: 'TO', code: null }), 'compile')).toMatchObject({
      status: 'timeout',
      error: 'Compilation Time Limit Exceeded',
    });
  });

  it('when an older Piston omits status and resources, then a clean exit is ok', () => {
    expect(classifyStage(pistonStage({}), 'run')).toEqual({ status: 'ok', signal: null });
  });
});

describe("Piston's own lines in stderr", () => {
  const LAUNCHER =
    '/piston/packages/gcc/10.2.0/run: line 6:     3 Segmentation fault      ./a.out "$@"';
  const stderrOf = (stage: PistonStage, language = 'c') =>
    mapPistonResult({ language, version: '1', run: stage }).stderr;

  it('when the program wrote to stderr before it crashed, then only the last line changes', () => {
    expect(stderrOf(pistonStage({ code: 139, status: 'RE', stderr: `oops\n${LAUNCHER}\n` }))).toBe(
      'oops\nSegmentation fault\n',
    );
  });

  it('when the program left its line unfinished, then its words stay and the report follows', () => {
    expect(
      stderrOf(pistonStage({ code: 139, status: 'RE', stderr: `half a line${LAUNCHER}\n` })),
    ).toBe('half a line\nSegmentation fault\n');
  });

  it('when bash says the core was dumped, then so does the rewritten line', () => {
    const report =
      '/piston/packages/gcc/10.2.0/run: line 6: 123456 Aborted                 (core dumped) ./a.out "$@"';
    expect(stderrOf(pistonStage({ code: 134, status: 'RE', stderr: `${report}\n` }))).toBe(
      'Aborted (core dumped)\n',
    );
  });

  it('when a description fills the status column, then bash leaves no padding and it still matches', () => {
    const report = '/piston/packages/gcc/10.2.0/run: line 6:    42 Floating point exception./a.out';
    expect(stderrOf(pistonStage({ code: 136, status: 'RE', stderr: report }))).toBe(
      'Floating point exception',
    );
  });

  it.each([
    ['the exit code is not a signal', { code: 1, stderr: `${LAUNCHER}\n` }],
    ['the signal is another one', { code: 134, stderr: `${LAUNCHER}\n` }],
    ['the line is not the last', { code: 139, stderr: `${LAUNCHER}\nmore\n` }],
    ['the path is not a package script', { code: 139, stderr: LAUNCHER.replace('/run', '/go') }],
    ['the command is missing', { code: 139, stderr: LAUNCHER.replace('./a.out "$@"', '') }],
    [
      'the keeper line comes from a program that was not stopped',
      { code: 1, status: 'RE', stderr: 'Sandbox keeper received fatal signal 6\n' },
    ],
    [
      'the keeper line is not the whole line',
      { code: null, status: 'OL', stderr: 'note: Sandbox keeper received fatal signal 6\n' },
    ],
  ] as const)('when %s, then stderr is the program’s, untouched', (_case, overrides) => {
    const stage = pistonStage({ status: 'RE', ...overrides });
    expect(stderrOf(stage)).toBe(stage.stderr);
  });

  it('when a Java program prints the launcher’s words itself, then it is still a runtime error', () => {
    const stage = pistonStage({
      code: 1,
      status: 'RE',
      stdout: 'hi\n',
      stderr: 'error: compilation failed\n',
    });
    const result = mapPistonResult({ language: 'java', version: '15.0.2', run: stage });

    expect(result.status).toBe('runtime_error');
    expect(result.run).toBeDefined();
  });

  it('when a Java program throws, then it is a runtime error', () => {
    const stage = pistonStage({
      code: 1,
      status: 'RE',
      stderr:
        'Exception in thread "main" java.lang.IllegalStateException\n\tat Main.main(Main.java:3)\n',
    });
    expect(mapPistonResult({ language: 'java', version: '15.0.2', run: stage }).status).toBe(
      'runtime_error',
    );
  });
});

describe('terminalOutput', () => {
  const fixture = (name: string) =>
    PistonExecuteResponseSchema.parse(loadFixture(name).response.body);

  it("when the program wrote to stdout and stderr in turns, then it is Piston's interleaved output", () => {
    const run = pistonStage({
      stdout: 'out 1\nout 2\n',
      stderr: 'err 1\n',
      output: 'out 1\nerr 1\nout 2\n',
      code: 1,
    });

    expect(terminalOutput({ language: 'python', version: '3.11.2', run })).toBe(
      'out 1\nerr 1\nout 2\n',
    );
  });

  it("when bash reports the crash of Piston's run script, then the output ends as a terminal says it", () => {
    expect(terminalOutput(fixture('c-segfault'))).toBe('about to crash\nSegmentation fault\n');
  });

  it('when Piston stopped the program at a limit, then its keeper line reads Killed', () => {
    expect(terminalOutput(fixture('python-stderr-limit'))).toMatch(/error line 44\nKilled\n$/);
  });

  it("when compilation fails, then it is the compiler's output", () => {
    const piston = fixture('c-compile-error');

    expect(terminalOutput(piston)).toBe(piston.compile?.output);
    expect(terminalOutput(fixture('java-compile-error'))).toContain("error: ';' expected");
  });

  it('when a compiled program runs, then it is the run stage only', () => {
    const piston = fixture('c-segfault');

    expect(terminalOutput({ ...piston, compile: pistonStage({ output: 'warning\n' }) })).toBe(
      'about to crash\nSegmentation fault\n',
    );
  });

  it('when an older Piston sends no output, then it is stdout then stderr', () => {
    const run = pistonStage({ stdout: 'a\n', stderr: 'b\n' });

    expect(terminalOutput({ language: 'python', version: '3.11.2', run })).toBe('a\nb\n');
  });
});
