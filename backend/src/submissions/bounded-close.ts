/** How long a graceful close may wait on Redis before the connection is dropped instead. */
export const CLOSE_TIMEOUT_MS = 2_000;

const later = (ms: number) =>
  new Promise<'late'>((resolve) => {
    setTimeout(() => resolve('late'), ms).unref();
  });

/**
 * Closes gracefully (running jobs finish, locks are released) unless that takes longer than
 * `ms`, as it does when Redis stalls or is gone: then `force` drops what is left without waiting
 * on Redis (it does not wait for what it starts). A job cut off this way is taken over by another instance (BullMQ's stalled check).
 * Returns a function that runs at most once, so closing twice waits for the same close.
 */
export function boundedClose(
  graceful: () => Promise<void>,
  force: () => void,
  options: { ms?: number; connected?: () => boolean } = {},
): () => Promise<void> {
  const { ms = CLOSE_TIMEOUT_MS, connected = () => true } = options;
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= (async () => {
      // Without a connection nothing graceful can happen: do not wait for it.
      const outcome = connected()
        ? await Promise.race([graceful().catch(() => 'done' as const), later(ms)])
        : 'late';
      if (outcome === 'late') force();
    })();
    return closing;
  };
}
