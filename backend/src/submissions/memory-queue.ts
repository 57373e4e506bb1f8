import { SubmissionQueueFullError } from '../errors.js';
import type { SubmissionHandler, SubmissionQueue } from './types.js';

/** Options of the in-process submission queue. */
export interface MemorySubmissionQueueOptions {
  /** Submissions allowed to wait (MAX_SUBMISSION_QUEUE); one more is refused with a 503. */
  maxQueued: number;
  /** Told about a handler that threw (the handler records its own outcome; this only logs). */
  onError?: (token: string, error: unknown) => void;
}

/**
 * A FIFO queue in this process (without REDIS_URL): what waits is lost on restart. Workers take
 * submissions as slots free up; `close` stops taking new ones and waits for the running ones.
 */
export function createMemorySubmissionQueue(
  options: MemorySubmissionQueueOptions,
): SubmissionQueue {
  if (!Number.isInteger(options.maxQueued) || options.maxQueued < 1) {
    throw new RangeError('submission queue: maxQueued must be a positive whole number');
  }
  const waiting: string[] = [];
  const running = new Set<Promise<void>>();
  let handler: SubmissionHandler | undefined;
  let concurrency = 0;
  let closed = false;

  function pump(): void {
    while (!closed && handler && running.size < concurrency && waiting.length > 0) {
      const token = waiting.shift() as string;
      const work = handler(token)
        .catch((error: unknown) => options.onError?.(token, error))
        .finally(() => {
          running.delete(work);
          pump();
        });
      running.add(work);
    }
  }

  return {
    add(token) {
      if (closed) throw new SubmissionQueueFullError('The gateway is shutting down');
      if (waiting.length >= options.maxQueued) {
        throw new SubmissionQueueFullError('queue is full', { retryAfterSeconds: 2 });
      }
      waiting.push(token);
      // Started on the next turn, so the caller's answer (201 with the token) goes out first.
      queueMicrotask(pump);
      return Promise.resolve();
    },
    process(next, workers) {
      if (!Number.isInteger(workers) || workers < 1) {
        throw new RangeError('submission queue: concurrency must be a positive whole number');
      }
      handler = next;
      concurrency = workers;
      pump();
    },
    waiting() {
      return Promise.resolve(waiting.length);
    },
    async close() {
      closed = true;
      await Promise.allSettled([...running]);
    },
  };
}
