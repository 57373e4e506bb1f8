import type { Submission, SubmissionPatch, SubmissionStore } from './types.js';

/** Options of the in-memory submission store. */
export interface MemorySubmissionStoreOptions {
  /** Submissions kept at most (MAX_SUBMISSIONS_STORED); beyond it the oldest finished go first. */
  maxStored: number;
}

/**
 * Keeps submissions in this process (without REDIS_URL): lost on restart. At most `maxStored`
 * are kept; a new one drops the submission that finished first. Submissions still queued or
 * running are never dropped (the queue bound keeps their number in check), so the store can hold
 * more than `maxStored` for as long as they wait.
 */
export function createMemorySubmissionStore(
  options: MemorySubmissionStoreOptions,
): SubmissionStore {
  if (!Number.isInteger(options.maxStored) || options.maxStored < 1) {
    throw new RangeError('submission store: maxStored must be a positive whole number');
  }
  const submissions = new Map<string, Submission>();
  // Tokens in the order they finished; a Set keeps insertion order and deletes in O(1).
  const finished = new Set<string>();

  function evict(): void {
    for (const token of finished) {
      if (submissions.size <= options.maxStored) return;
      finished.delete(token);
      submissions.delete(token);
    }
  }

  function remember(submission: Submission): void {
    submissions.set(submission.token, submission);
    if (submission.state === 'finished') finished.add(submission.token);
    else finished.delete(submission.token);
    evict();
  }

  return {
    put(submission) {
      // A copy: callers keep no handle on what is stored, as with a store across the network.
      remember(structuredClone(submission));
      return Promise.resolve();
    },
    get(token) {
      const found = submissions.get(token);
      return Promise.resolve(found ? structuredClone(found) : undefined);
    },
    getMany(tokens) {
      return Promise.resolve(
        tokens.map((token) => {
          const found = submissions.get(token);
          return found ? structuredClone(found) : undefined;
        }),
      );
    },
    update(token, patch: SubmissionPatch) {
      const found = submissions.get(token);
      if (!found) return Promise.resolve(undefined);
      const next: Submission = { ...found, ...structuredClone(patch), token };
      remember(next);
      return Promise.resolve(submissions.has(token) ? structuredClone(next) : undefined);
    },
    close() {
      submissions.clear();
      finished.clear();
      return Promise.resolve();
    },
  };
}
