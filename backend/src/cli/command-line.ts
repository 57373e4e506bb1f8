import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';

/** A bad command line: the command exits 2 and prints its usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The command's `--options`, parsed by Node's parseArgs; an unknown or malformed one is a UsageError. */
export function parseOptions<T extends ParseArgsOptionsConfig>(options: T) {
  try {
    return parseArgs({ options }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** The value of `--name` as whole milliseconds of at least `min`; anything else is a UsageError. */
export function milliseconds(name: string, value: string, min = 1): number {
  const ms = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(ms) || ms < min) {
    throw new UsageError(
      `--${name} must be a whole number of milliseconds of at least ${min}, not "${value}"`,
    );
  }
  return ms;
}
