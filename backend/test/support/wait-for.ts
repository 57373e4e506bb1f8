/** Polls `check` until it holds; throws `message` when `timeoutMs` has passed first. */
export async function waitFor(
  check: () => Promise<boolean>,
  { timeoutMs = 5000, intervalMs = 50, message = 'condition not met in time' } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(message);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
