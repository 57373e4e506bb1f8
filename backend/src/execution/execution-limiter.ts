import { ClientGoneError, OverloadedError } from '../errors.js';

/** Seconds an overloaded client is told to wait before retrying. */
export const OVERLOADED_RETRY_AFTER_SECONDS = 2;

export interface ExecutionLimiterOptions {
  /** Executions allowed in flight to Piston at once. */
  maxConcurrent: number;
  /** Requests allowed to wait for a slot; beyond that they are shed at once. */
  maxQueue: number;
  /** How long a request may wait for a slot before it is shed. */
  queueTimeoutMs: number;
}

/** Counts for /health and metrics. */
export interface ExecutionLimiterStats {
  inFlight: number;
  queued: number;
  maxConcurrent: number;
  maxQueue: number;
}

/** Thrown to a queued caller whose client went away; it never reached Piston. */
export class QueueAbortedError extends ClientGoneError {
  override readonly name = 'QueueAbortedError';
}

interface Waiter {
  start: () => void;
}

/**
 * Bounds the executions in flight to Piston, which would otherwise queue without limit inside
 * open HTTP connections. Beyond the limit, requests wait in a FIFO queue of bounded length for a
 * bounded time; a full queue or a wait past the timeout is a 503 `overloaded`, answered at once.
 */
export interface ExecutionLimiter {
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  stats(): ExecutionLimiterStats;
}

/** Creates a limiter; the options are checked here, not on every request. */
export function createExecutionLimiter(options: ExecutionLimiterOptions): ExecutionLimiter {
  if (options.maxConcurrent < 1 || options.maxQueue < 0 || options.queueTimeoutMs < 1) {
    throw new RangeError('execution limiter: invalid limits');
  }
  let inFlight = 0;
  const queue: Waiter[] = [];

  function overloaded(reason: string): OverloadedError {
    return new OverloadedError(`The gateway is busy (${reason}); try again shortly`, {
      retryAfterSeconds: OVERLOADED_RETRY_AFTER_SECONDS,
    });
  }

  function release(): void {
    const next = queue.shift();
    if (next) next.start();
    else inFlight -= 1;
  }

  function acquire(signal?: AbortSignal): Promise<void> {
    if (inFlight < options.maxConcurrent) {
      inFlight += 1;
      return Promise.resolve();
    }
    if (queue.length >= options.maxQueue) return Promise.reject(overloaded('queue full'));
    return new Promise<void>((resolve, reject) => {
      const leave = (error: Error) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const index = queue.indexOf(waiter);
        if (index !== -1) queue.splice(index, 1);
        reject(error);
      };
      const onAbort = () => {
        leave(new QueueAbortedError('client went away while queued'));
      };
      const waiter: Waiter = {
        // The slot passes straight from the finishing task to this one: inFlight is unchanged.
        start: () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        leave(overloaded('waited too long for a slot'));
      }, options.queueTimeoutMs);
      timer.unref();
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(waiter);
    });
  }

  return {
    async run(task, signal) {
      if (signal?.aborted) throw new QueueAbortedError('client went away before execution');
      await acquire(signal);
      try {
        return await task();
      } finally {
        release();
      }
    },
    stats() {
      return {
        inFlight,
        queued: queue.length,
        maxConcurrent: options.maxConcurrent,
        maxQueue: options.maxQueue,
      };
    },
  };
}
