import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.js';

/** How often buffered log lines are flushed when traffic is too light to fill the buffer. */
const FLUSH_INTERVAL_MS = 1000;

/**
 * Creates the process logger: JSON lines, with secrets redacted should any reach a log call.
 * Without a destination it writes to stdout through a 4 KiB buffer (one write per few lines
 * instead of one per request), flushed every second and on exit.
 */
export function createLogger(level: Config['LOG_LEVEL'], destination?: DestinationStream): Logger {
  if (!destination) {
    const stdout = pino.destination({ dest: 1, sync: false, minLength: 4096 });
    setInterval(() => {
      stdout.flush();
    }, FLUSH_INTERVAL_MS).unref();
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
