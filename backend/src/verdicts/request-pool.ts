/** Runs at most `size` tasks of one request at a time; the others wait their turn in order. */
export interface RequestPool {
  run<T>(task: () => Promise<T>): Promise<T>;
}

/**
 * A small semaphore for the executions of one request (its tests, a batch's runs): they take at
 * most `size` of the gateway's slots and queue positions at once, so a request with many
 * executions cannot fill the shared queue by itself and have its own executions shed.
 */
export function createRequestPool(size: number): RequestPool {
  let running = 0;
  const waiting: (() => void)[] = [];
  return {
    async run(task) {
      if (running >= size) await new Promise<void>((resolve) => waiting.push(resolve));
      else running += 1;
      try {
        return await task();
      } finally {
        // The slot passes to the next waiter as it is; only without one is it given up.
        const next = waiting.shift();
        if (next) next();
        else running -= 1;
      }
    },
  };
}
