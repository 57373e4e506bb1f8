import { AppError, SubmissionQueueUnavailableError } from '../errors.js';
import type { SubmissionQueue, SubmissionStore } from './types.js';

/** What a client is told: try again, and nothing of the cause (Redis's own words stay in the log). */
const MESSAGE = 'Submissions cannot be stored right now; try again shortly';
const RETRY_AFTER_SECONDS = 5;

async function orUnavailable<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new SubmissionQueueUnavailableError(MESSAGE, {
      cause: error,
      retryAfterSeconds: RETRY_AFTER_SECONDS,
    });
  }
}

/**
 * The store as the API uses it: a failed call (Redis unreachable, full or too slow) becomes a 503
 * `queue_unavailable` with `Retry-After`, which Judge0 clients read as a busy server, rather
 * than a 500. The workers use the store as it is: their failures are the queue's to retry.
 */
export function guardStore(store: SubmissionStore): SubmissionStore {
  return {
    put: (submission) => orUnavailable(() => store.put(submission)),
    get: (token) => orUnavailable(() => store.get(token)),
    getMany: (tokens) => orUnavailable(() => store.getMany(tokens)),
    update: (token, patch) => orUnavailable(() => store.update(token, patch)),
    close: () => store.close(),
  };
}

/** The queue as the API uses it, failures translated as guardStore's (a full queue stays 503 queue_full). */
export function guardQueue(queue: SubmissionQueue): SubmissionQueue {
  return {
    add: (token) => orUnavailable(() => queue.add(token)),
    process: (handler, concurrency) => queue.process(handler, concurrency),
    waiting: () => orUnavailable(() => queue.waiting()),
    close: () => queue.close(),
  };
}
