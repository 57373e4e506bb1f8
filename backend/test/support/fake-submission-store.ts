import type { Submission, SubmissionPatch, SubmissionStore } from '../../src/submissions/types.js';

/** A Map-backed SubmissionStore for tests that are not about the store. */
export function createFakeSubmissionStore(): SubmissionStore & { map: Map<string, Submission> } {
  const map = new Map<string, Submission>();
  return {
    map,
    put: (submission) => {
      map.set(submission.token, structuredClone(submission));
      return Promise.resolve();
    },
    get: (token) => Promise.resolve(structuredClone(map.get(token))),
    getMany: (tokens) => Promise.resolve(tokens.map((token) => structuredClone(map.get(token)))),
    update: (token, patch: SubmissionPatch) => {
      const current = map.get(token);
      if (!current) return Promise.resolve(undefined);
      const next = { ...current, ...patch };
      map.set(token, next);
      return Promise.resolve(structuredClone(next));
    },
    close: () => Promise.resolve(),
  };
}

/** A finished submission with a callback URL, as the worker leaves it. */
export function finishedSubmission(token: string, callbackUrl: string | null): Submission {
  return {
    token,
    state: 'finished',
    createdAt: '2026-01-01T12:00:00.000Z',
    startedAt: '2026-01-01T12:00:00.100Z',
    finishedAt: '2026-01-01T12:00:00.200Z',
    request: { language: 'python', code: 'print(1)' },
    input: { language_id: 71 },
    result: {
      statusId: 3,
      stdout: '1\n',
      stderr: null,
      compileOutput: null,
      message: null,
      exitCode: 0,
      exitSignal: null,
      time: 0.01,
      wallTime: 0.02,
      memory: 1024,
    },
    callbackUrl,
    callback: null,
  };
}

/** A stand-in for Judge0's callback body (the Judge0 module renders the real one). */
export const testCallbackBody = (submission: Submission) => ({
  token: submission.token,
  stdout: submission.result?.stdout ?? null,
  status: { id: submission.result?.statusId ?? 13 },
});
