import type { CallbackDelivery, Submission } from '../submissions/types.js';
import type { CallbackAttempt } from './callback-attempt.js';

/** The in-memory delivery's view for /health and tests: retries waiting on a timer. */
export interface MemoryCallbackDelivery extends CallbackDelivery {
  pending(): number;
}

/**
 * Delivers callbacks from this process, retrying on timers: without Redis, a restart loses the
 * retries still waiting (as it loses the in-memory submissions). Timers are unref'd, so waiting
 * retries never hold the process open; close() cancels them and waits for attempts under way.
 */
export function createMemoryCallbackDelivery(attempt: CallbackAttempt): MemoryCallbackDelivery {
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let closed = false;

  const run = (token: string, n: number): void => {
    if (closed) return;
    const task = attempt(token, n).then(
      (delay) => {
        if (delay !== undefined) schedule(token, n + 1, delay);
      },
      // Only the store can reject, and the in-memory one does not: nothing left to do.
      () => undefined,
    );
    running.add(task);
    void task.finally(() => running.delete(task));
  };

  function schedule(token: string, n: number, delay: number): void {
    if (closed) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      run(token, n);
    }, delay);
    timer.unref();
    timers.add(timer);
  }

  return {
    deliver(submission: Submission) {
      if (submission.callbackUrl) run(submission.token, 1);
      return Promise.resolve();
    },
    pending: () => timers.size,
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...running]);
    },
  };
}
