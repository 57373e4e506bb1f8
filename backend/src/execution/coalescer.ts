import { ClientGoneError } from '../errors.js';

/**
 * Lets identical requests that arrive while one is executing share that one execution. The
 * shared work's signal aborts only when every caller waiting on it has gone away.
 */
export interface Coalescer<T> {
  /**
   * Runs `work` for the first caller of a key; later callers join it (`shared: true`). The work
   * calls `started` once it can no longer be cancelled (sent to Piston): from then on it stays
   * joinable even when every caller has left, since it runs to its end anyway.
   */
  run(
    key: string,
    work: (signal: AbortSignal, started: () => void) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<{ value: T; shared: boolean }>;
}

interface Flight<T> {
  promise: Promise<T>;
  waiters: number;
  controller: AbortController;
  /** Set by the work once it can no longer be cancelled. */
  status: { started: boolean };
}

/** Creates an empty coalescer. */
export function createCoalescer<T>(): Coalescer<T> {
  const flights = new Map<string, Flight<T>>();

  return {
    async run(key, work, signal) {
      // Gone before it arrived: neither start work nor count as a waiter that never leaves.
      if (signal?.aborted) throw goneError();
      let flight = flights.get(key);
      const shared = flight !== undefined;
      if (!flight) {
        const controller = new AbortController();
        const status = { started: false };
        const created: Flight<T> = {
          promise: work(controller.signal, () => {
            status.started = true;
          }).finally(() => {
            if (flights.get(key) === created) flights.delete(key);
          }),
          waiters: 0,
          controller,
          status,
        };
        flight = created;
        flights.set(key, flight);
      }
      const current = flight;
      current.waiters += 1;
      const leave = () => {
        current.waiters -= 1;
        if (current.waiters > 0) return;
        current.controller.abort();
        // A caller arriving now must start afresh, not join work that is being cancelled; work
        // already started is not cancelled, and identical requests go on joining it.
        if (!current.status.started && flights.get(key) === current) flights.delete(key);
      };
      signal?.addEventListener('abort', leave, { once: true });
      try {
        const value = await untilAborted(current.promise, signal);
        return { value, shared };
      } finally {
        signal?.removeEventListener('abort', leave);
        if (!signal?.aborted) current.waiters -= 1;
      }
    },
  };
}

const goneError = () => new ClientGoneError('client went away while waiting for an execution');

/**
 * Settles as `promise` does, or rejects as soon as the caller's signal aborts; the work itself
 * goes on (and its failure, if any, is handled here rather than left unhandled).
 */
export function untilAborted<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      reject(goneError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
