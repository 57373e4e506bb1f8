import { setTimeout as sleep } from 'node:timers/promises';
import type { ExecutionService } from '../../execution/execution-service.js';
import { AppError, OverloadedError } from '../../errors.js';
import { parseBody } from '../../middleware/validate.js';
import { ExecuteRequestSchema } from '../../schemas/execute-request.js';
import type { ExecuteResponse } from '../../schemas/execute-response.js';
import type { Submission, SubmissionResult } from '../../submissions/types.js';
import { internalErrorResult, toSubmissionResult } from './statuses.js';

/** Options of the Judge0 runner. */
export interface Judge0RunnerOptions {
  execution: ExecutionService;
  /** Tries of one run the shared limiter shed (sync requests hold every other slot). */
  overloadedTries?: number;
  /** Pause between those tries. */
  overloadedPauseMs?: number;
}

const seconds = (value: unknown, fallback: number) =>
  typeof value === 'number' ? Math.round(value * 1000) : fallback;

/**
 * Runs a stored Judge0 submission through the gateway's execution path (the same validation,
 * runtime resolution and Piston request as POST /api/execute, through the shared concurrency
 * limiter), `number_of_runs` times: the last run's output, the mean time and memory.
 */
export function createJudge0Runner(
  options: Judge0RunnerOptions,
): (submission: Submission) => Promise<SubmissionResult> {
  const tries = options.overloadedTries ?? 30;
  const pauseMs = options.overloadedPauseMs ?? 1000;

  async function runOnce(submission: Submission): Promise<ExecuteResponse> {
    const prepared = await options.execution.prepare(
      parseBody(ExecuteRequestSchema, submission.request),
    );
    const { input } = submission;
    const request = prepared.request;
    request.run_timeout = seconds(input.wall_time_limit, request.run_timeout);
    request.run_cpu_time = seconds(input.cpu_time_limit, request.run_cpu_time);
    if (typeof input.memory_limit === 'number')
      request.run_memory_limit = input.memory_limit * 1024;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return (await options.execution.run(prepared)).result;
      } catch (error) {
        // Shed by the shared limiter: people waiting on /api/execute come first; try again.
        if (!(error instanceof OverloadedError) || attempt >= tries) throw error;
        await sleep(pauseMs);
      }
    }
  }

  return async function runJudge0Submission(submission) {
    const runs =
      typeof submission.input.number_of_runs === 'number' ? submission.input.number_of_runs : 1;
    const results: SubmissionResult[] = [];
    const resultOptions = {
      expectedOutput: (submission.input.expected_output as string | null) ?? null,
      redirectStderrToStdout: submission.input.redirect_stderr_to_stdout === true,
    };
    for (let index = 0; index < runs; index += 1) {
      results.push(toSubmissionResult(await runOnce(submission), resultOptions));
    }
    return averaged(results);
  };
}

/** Judge0 reports the last run, with time and memory averaged over every run. */
function averaged(results: SubmissionResult[]): SubmissionResult {
  const last = results[results.length - 1] as SubmissionResult;
  const mean = (pick: (result: SubmissionResult) => number | null) => {
    const values = results.map(pick).filter((value): value is number => value !== null);
    return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
  };
  const memory = mean((result) => result.memory);
  return {
    ...last,
    time: mean((result) => result.time),
    wallTime: mean((result) => result.wallTime),
    memory: memory === null ? null : Math.round(memory),
  };
}

/** The result recorded for a submission that could not run: never Piston's raw error. */
export function judge0Failure(error: unknown): SubmissionResult {
  if (error instanceof AppError && error.code !== 'internal_error') {
    return internalErrorResult(error.message);
  }
  return internalErrorResult('The submission could not be run');
}
