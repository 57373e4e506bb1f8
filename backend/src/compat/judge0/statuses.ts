import { constants } from 'node:os';
import type { ExecuteResponse } from '../../schemas/execute-response.js';
import type { SubmissionResult } from '../../submissions/types.js';
import { outputMatches } from '../../verdicts/compare.js';

/** Judge0's 14 statuses, ids and descriptions exactly as Judge0 CE 1.13.1 lists them. */
export const JUDGE0_STATUSES = [
  { id: 1, description: 'In Queue' },
  { id: 2, description: 'Processing' },
  { id: 3, description: 'Accepted' },
  { id: 4, description: 'Wrong Answer' },
  { id: 5, description: 'Time Limit Exceeded' },
  { id: 6, description: 'Compilation Error' },
  { id: 7, description: 'Runtime Error (SIGSEGV)' },
  { id: 8, description: 'Runtime Error (SIGXFSZ)' },
  { id: 9, description: 'Runtime Error (SIGFPE)' },
  { id: 10, description: 'Runtime Error (SIGABRT)' },
  { id: 11, description: 'Runtime Error (NZEC)' },
  { id: 12, description: 'Runtime Error (Other)' },
  { id: 13, description: 'Internal Error' },
  { id: 14, description: 'Exec Format Error' },
] as const;

/** Status ids by name, for readable code. */
export const STATUS = {
  inQueue: 1,
  processing: 2,
  accepted: 3,
  wrongAnswer: 4,
  timeLimit: 5,
  compilationError: 6,
  internalError: 13,
} as const;

/** `{id, description}` of a status id. */
export function statusOf(id: number): { id: number; description: string } {
  const found = JUDGE0_STATUSES.find((status) => status.id === id);
  return found ? { ...found } : { id: 13, description: 'Internal Error' };
}

/** Judge0's statuses for the signals it names; any other signal is 12 (Other). */
const SIGNAL_STATUS: Readonly<Record<string, number>> = {
  SIGSEGV: 7,
  SIGXFSZ: 8,
  SIGFPE: 9,
  SIGABRT: 10,
};

/** What shapes a result besides Piston's answer. */
export interface ResultOptions {
  /** Judge0's `expected_output`: when set, stdout must match it by the `lines` rule. */
  expectedOutput: string | null;
  /** stdout then stderr in `stdout` (Piston keeps the streams apart: not interleaved). */
  redirectStderrToStdout: boolean;
}

/**
 * Maps the gateway's result to Judge0's: compile failure 6, Piston's timeout 5, output limit 8
 * (Judge0 stops output with the file-size limit, SIGXFSZ), signals 7-10 or 12, a non-zero exit
 * 11, Piston's internal error 13; a clean run is 3, or 4 when `expected_output` does not match.
 */
export function toSubmissionResult(
  response: ExecuteResponse,
  options: ResultOptions,
): SubmissionResult {
  const compileFailed = response.compile !== undefined && response.run === undefined;
  const compile = response.compile;
  const run = response.run;
  const compileOutput = compile ? joinOrNull(compile.stdout, compile.stderr) : null;
  if (compileFailed) {
    const timedOut = response.status === 'timeout';
    return {
      ...emptyRun(),
      statusId: STATUS.compilationError,
      compileOutput,
      message: timedOut ? 'Compilation time limit exceeded' : null,
    };
  }
  let stdout = run?.stdout ?? response.output;
  let stderr: string | null = run?.stderr ?? response.stderr;
  if (options.redirectStderrToStdout) {
    stdout += stderr;
    stderr = null;
  }
  const signalNumber = response.signal ? signalNumberOf(response.signal) : null;
  const { statusId, message } = classify(response, stdout, signalNumber, options);
  return {
    statusId,
    stdout: stdout === '' ? null : stdout,
    stderr: stderr === '' ? null : stderr,
    compileOutput,
    message,
    exitCode: response.exitCode,
    exitSignal: signalNumber,
    time: run?.cpuTimeMs === null || run?.cpuTimeMs === undefined ? null : run.cpuTimeMs / 1000,
    wallTime:
      run?.wallTimeMs === null || run?.wallTimeMs === undefined ? null : run.wallTimeMs / 1000,
    memory:
      run?.memoryBytes === null || run?.memoryBytes === undefined
        ? null
        : Math.round(run.memoryBytes / 1024),
  };
}

function classify(
  response: ExecuteResponse,
  stdout: string,
  signalNumber: number | null,
  options: ResultOptions,
): { statusId: number; message: string | null } {
  switch (response.status) {
    case 'ok': {
      const matches =
        options.expectedOutput === null || outputMatches(stdout, options.expectedOutput, 'lines');
      return { statusId: matches ? STATUS.accepted : STATUS.wrongAnswer, message: null };
    }
    case 'timeout':
      return { statusId: STATUS.timeLimit, message: 'Time limit exceeded' };
    case 'output_limit':
      return { statusId: 8, message: 'Output limit exceeded' };
    case 'internal_error':
      return { statusId: STATUS.internalError, message: 'The execution engine failed the run' };
    case 'compile_error':
      return { statusId: STATUS.compilationError, message: null };
    case 'runtime_error':
    case 'killed': {
      if (response.signal) {
        return {
          statusId: SIGNAL_STATUS[response.signal] ?? 12,
          message: `Caught fatal signal ${signalNumber ?? response.signal}`,
        };
      }
      return { statusId: 11, message: `Exited with error status ${response.exitCode ?? 1}` };
    }
  }
}

function emptyRun(): Omit<SubmissionResult, 'statusId' | 'compileOutput' | 'message'> {
  return {
    stdout: null,
    stderr: null,
    exitCode: null,
    exitSignal: null,
    time: null,
    wallTime: null,
    memory: null,
  };
}

function joinOrNull(stdout: string, stderr: string): string | null {
  const text = stdout + stderr;
  return text === '' ? null : text;
}

function signalNumberOf(name: string): number | null {
  return (constants.signals as Record<string, number | undefined>)[name] ?? null;
}

/** A result for a submission that could not be run (the gateway's or Piston's fault). */
export function internalErrorResult(message: string): SubmissionResult {
  return {
    ...emptyRun(),
    statusId: STATUS.internalError,
    compileOutput: null,
    message,
  };
}
