import type { Submission, SubmissionStore } from './types.js';

/** Judge0's status 13. */
export const INTERNAL_ERROR_STATUS_ID = 13;

/**
 * Finishes a submission that will not run (again) as Judge0's Internal Error, unless it finished
 * meanwhile. Resolves to the finished submission, or undefined when there was nothing to do.
 */
export async function markInternalError(
  store: Pick<SubmissionStore, 'get' | 'update'>,
  token: string,
  message: string,
  now: () => Date = () => new Date(),
): Promise<Submission | undefined> {
  const current = await store.get(token);
  if (!current || current.state === 'finished') return undefined;
  return store.update(token, {
    state: 'finished',
    finishedAt: now().toISOString(),
    result: {
      statusId: INTERNAL_ERROR_STATUS_ID,
      stdout: null,
      stderr: null,
      compileOutput: null,
      message,
      exitCode: null,
      exitSignal: null,
      time: null,
      wallTime: null,
      memory: null,
    },
  });
}
