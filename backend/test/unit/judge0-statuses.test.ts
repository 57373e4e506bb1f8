import { describe, expect, it } from 'vitest';
import { mapPistonResult } from '../../src/execution/map-result.js';
import type { PistonExecuteResponse } from '../../src/piston/piston-schemas.js';
import { toSubmissionResult } from '../../src/compat/judge0/statuses.js';
import { loadFixture } from '../support/fixtures.js';
import { pistonStage } from '../support/piston-requests.js';

const NONE = { expectedOutput: null, redirectStderrToStdout: false };
const fromFixture = (name: string) =>
  toSubmissionResult(
    mapPistonResult(loadFixture(name).response.body as PistonExecuteResponse),
    NONE,
  );
const fromRun = (run: Parameters<typeof pistonStage>[0]) =>
  toSubmissionResult(
    mapPistonResult({ language: 'c', version: '12.2.0', run: pistonStage(run) }),
    NONE,
  );

describe('toSubmissionResult (Judge0 statuses from Piston results)', () => {
  it('when the recorded Piston answers are mapped, then each gets the Judge0 status it would', () => {
    expect(fromFixture('python-hello').statusId).toBe(3);
    expect(fromFixture('c-compile-error').statusId).toBe(6);
    expect(fromFixture('c-compile-error').compileOutput).toContain('error');
    expect(fromFixture('c-compile-error').stdout).toBeNull();
    expect(fromFixture('java-compile-error').statusId).toBe(6);
    expect(fromFixture('c-segfault')).toMatchObject({ statusId: 7, exitSignal: 11 });
    expect(fromFixture('python-timeout').statusId).toBe(5);
    expect(fromFixture('python-exit-code-3')).toMatchObject({ statusId: 11, exitCode: 3 });
    expect(fromFixture('python-runtime-error').statusId).toBe(11);
    expect(fromFixture('python-output-limit').statusId).toBe(8);
  });

  it.each([
    ['SIGFPE', 9],
    ['SIGABRT', 10],
    ['SIGXFSZ', 8],
    ['SIGKILL', 12],
    ['SIGBUS', 12],
  ])('when the run ends on %s, then the status is %i', (signal, status) => {
    expect(fromRun({ code: null, signal, status: 'SG' }).statusId).toBe(status);
  });

  it('when Piston reports its internal error, then the status is 13', () => {
    expect(fromRun({ code: null, signal: null, status: 'XX' }).statusId).toBe(13);
  });

  it('when the run is clean, then time is CPU seconds, wall_time wall seconds, memory kilobytes', () => {
    const result = fromRun({ code: 0, cpu_time: 18, wall_time: 25, memory: 10_240_000 });
    expect(result).toMatchObject({ statusId: 3, time: 0.018, wallTime: 0.025, memory: 10000 });
  });

  it('when stderr is redirected, then it follows stdout and stderr is null', () => {
    const result = toSubmissionResult(
      mapPistonResult({
        language: 'c',
        version: '1',
        run: pistonStage({ code: 0, stdout: 'out\n', stderr: 'err\n' }),
      }),
      { expectedOutput: 'out\nerr', redirectStderrToStdout: true },
    );
    expect(result).toMatchObject({ statusId: 3, stdout: 'out\nerr\n', stderr: null });
  });
});
