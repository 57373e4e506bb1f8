import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.js';

/** Creates the process logger: JSON lines, with secrets redacted should any reach a log call. */
export function createLogger(level: Config['LOG_LEVEL'], destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'code-execution-gateway' },
      redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]'], remove: true },
    },
    destination,
  );
}
