import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.js';
import { createLogDestination } from './log-destination.js';

/**
 * Creates the process logger: JSON lines, with secrets redacted should any reach a log call.
 * Without a destination it writes to stdout through a 4 KiB buffer (one write per few lines
 * instead of one per request), flushed every second and, as far as stdout allows, on exit; a
 * stdout that fails (a closed pipe) loses log lines but never crashes or holds the process.
 */
export function createLogger(level: Config['LOG_LEVEL'], destination?: DestinationStream): Logger {
  if (!destination) {
    const stdout = createLogDestination();
    process.once('exit', () => {
      stdout.flushSync();
    });
    destination = stdout;
  }
  return pino(
    {
      level,
      base: { service: 'code-execution-gateway' },
      redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]'], remove: true },
    },
    destination,
  );
}
