import type { Logger } from 'pino';

/** How long the exit waits for buffered log lines to be written. */
const LOG_FLUSH_MS = 1000;

/**
 * Arms the last resort of a shutdown: the process exits with `code` after `ms`, whatever else
 * still holds it (a connection that will not close, a log destination that does not drain).
 * The timer is unref'd, so it never keeps a process alive that would otherwise exit.
 */
export function exitAfter(ms: number, code: number): void {
  setTimeout(() => {
    process.exit(code);
  }, ms).unref();
}

/** Exits with `code` once the log lines written so far are out, or after LOG_FLUSH_MS. */
export function exitWhenFlushed(logger: Pick<Logger, 'flush'>, code: number): void {
  exitAfter(LOG_FLUSH_MS, code);
  logger.flush(() => process.exit(code));
}
