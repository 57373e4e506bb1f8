import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import {
  InternalServerError,
  MethodNotAllowedError,
  NotFoundError,
  toErrorBody,
  type AppError,
} from '../errors.js';
import { shortPath } from '../middleware/short-path.js';
import type { Metrics } from './metrics.js';

/** Scrapers connect once and keep the connection; a handful at once is plenty. */
const MAX_CONNECTIONS = 32;
/** A scraper sends its request at once; a connection that does not is not a scraper. */
const HEADERS_TIMEOUT_MS = 10_000;

export interface MetricsServerOptions {
  metrics: Pick<Metrics, 'registry'>;
  /** METRICS_PORT; 0 picks a free port (tests). */
  port: number;
  /** HOST: the interface to listen on; unset, every interface. */
  host?: string | undefined;
  logger: Pick<Logger, 'error'>;
}

/** The metrics listener, once listening. */
export interface RunningMetricsServer {
  server: Server;
  port: number;
  /** Stops listening and closes every connection (an unfinished scrape is cut off). */
  close(): Promise<void>;
}

/** What to do about the listen errors an operator meets, by Node's error code. */
const LISTEN_ADVICE: Readonly<Record<string, string>> = {
  EADDRINUSE: 'another process is already listening on it; set METRICS_PORT to a free port or off',
  EACCES: 'permission denied; set METRICS_PORT to 1024 or above, or off',
};

/**
 * Starts the Prometheus listener on METRICS_PORT: `GET /metrics` (and HEAD) and nothing else,
 * with no CORS and no token, because it is meant for a private network (compose's, Render's
 * private one) that browsers and the public never reach. Other paths are a JSON 404, other
 * methods a JSON 405. Rejects with a message naming METRICS_PORT when the port cannot be used.
 *
 * @example const running = await startMetricsServer({ metrics, port: 9464, logger }); await running.close();
 */
export async function startMetricsServer(
  options: MetricsServerOptions,
): Promise<RunningMetricsServer> {
  const { metrics, logger } = options;
  const server = createServer((req, res) => {
    serveMetrics(metrics, req, res).catch((error: unknown) => {
      logger.error({ err: error }, 'metrics could not be collected');
      sendError(res, new InternalServerError('The metrics could not be collected'));
    });
  });
  server.maxConnections = MAX_CONNECTIONS;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = HEADERS_TIMEOUT_MS;

  await new Promise<void>((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) => {
      const why = (error.code && LISTEN_ADVICE[error.code]) ?? error.message;
      reject(new Error(`Cannot listen on METRICS_PORT ${options.port}: ${why}`, { cause: error }));
    };
    server.once('error', fail);
    server.listen({ port: options.port, host: options.host }, () => {
      server.off('error', fail);
      resolve();
    });
  });

  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function serveMetrics(
  metrics: Pick<Metrics, 'registry'>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  if (path !== '/metrics') {
    sendError(
      res,
      new NotFoundError(`No route for ${req.method} ${shortPath(path)}; this port serves /metrics`),
    );
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    sendError(res, new MethodNotAllowedError(`${req.method} is not allowed on /metrics; use GET`));
    return;
  }
  const text = await metrics.registry.metrics();
  res.writeHead(200, {
    'Content-Type': metrics.registry.contentType,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(req.method === 'HEAD' ? undefined : text);
}

function sendError(res: ServerResponse, error: AppError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(toErrorBody(error));
  res.writeHead(error.statusCode, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(body);
}
