import type { Submission, SubmissionPatch, SubmissionStore } from './types.js';

/** Options of the in-memory submission store. */
export interface MemorySubmissionStoreOptions {
  /** Submissions kept at most (MAX_SUBMISSIONS_STORED); beyond it the oldest finished go first. */
  maxStored: number;
  /** Their size at most, as JSON (MAX_SUBMISSIONS_STORED_BYTES); the same order. Unbounded if unset. */
  maxBytes?: number;
}

/**
 * Keeps submissions in this process (without REDIS_URL): lost on restart. At most `maxStored`
 * are kept, of at most `maxBytes` together; a new one drops the submissions that finished first.
 * Submissions still queued or running are never dropped (the queue bound keeps their number in
 * check), so the store can hold more than its bounds for as long as they wait.
 */
export function createMemorySubmissionStore(
  options: MemorySubmissionStoreOptions,
): SubmissionStore {
  if (!Number.isInteger(options.maxStored) || options.maxStored < 1) {
    throw new RangeError('submission store: maxStored must be a positive whole number');
  }
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
  const submissions = new Map<string, Submission>();
  // Tokens in the order they finished; a Set keeps insertion order and deletes in O(1).
  const finished = new Set<string>();
  const sizes = new Map<string, number>();
  let bytes = 0;

  function forget(token: string): void {
    bytes -= sizes.get(token) ?? 0;
    sizes.delete(token);
    finished.delete(token);
    submissions.delete(token);
  }

  function evict(): void {
    for (const token of finished) {
      if (submissions.size <= options.maxStored && bytes <= maxBytes) return;
      forget(token);
    }
  }

  function remember(submission: Submission): void {
    const { token } = submission;
    const size = Buffer.byteLength(JSON.stringify(submission), 'utf8');
    bytes += size - (sizes.get(token) ?? 0);
    sizes.set(token, size);
    submissions.set(token, submission);
    if (submission.state === 'finished') finished.add(token);
    else finished.delete(token);
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
      sizes.clear();
      bytes = 0;
      return Promise.resolve();
    },
  };
}
