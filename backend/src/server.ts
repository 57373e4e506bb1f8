import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { Config } from './config.js';

/** Idle keep-alive connections stay open longer than typical load balancers' 60 s idle timeout. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** A client has this long to send its request headers (slowloris protection). */
const HEADERS_TIMEOUT_MS = 15_000;
/** How often shutdown closes connections that have gone idle. */
const IDLE_SWEEP_MS = 50;

export interface RunningServer {
  server: Server;
  port: number;
  /** Stops accepting, lets in-flight requests finish for up to SHUTDOWN_TIMEOUT_MS, then closes. */
  shutdown(): Promise<void>;
}

/** The longest a request may legitimately take: reading it, plus the longest execution. */
export function requestTimeoutMs(config: Config): number {
  return (
    HEADERS_TIMEOUT_MS +
    config.COMPILE_TIMEOUT_MS +
    config.MAX_RUN_TIMEOUT_MS +
    config.PISTON_TIMEOUT_MS
  );
}

/** Starts an HTTP server for the app with timeouts against slow clients. */
export async function startServer(
  app: Express,
  config: Pick<
    Config,
    | 'PORT'
    | 'COMPILE_TIMEOUT_MS'
    | 'MAX_RUN_TIMEOUT_MS'
    | 'PISTON_TIMEOUT_MS'
    | 'SHUTDOWN_TIMEOUT_MS'
  >,
  logger: Pick<Logger, 'info' | 'warn'>,
): Promise<RunningServer> {
  const server = createServer(app);
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = requestTimeoutMs(config as Config);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  function shutdown(): Promise<void> {
    closing ??= new Promise<void>((resolve) => {
      logger.info('shutting down: no new connections, waiting for in-flight requests');
      const force = setTimeout(() => {
        logger.warn('shutdown timeout reached; closing remaining connections');
        server.closeAllConnections();
      }, config.SHUTDOWN_TIMEOUT_MS);
      force.unref();
      // Keep-alive sockets become idle as their last response ends; close them as they do, or
      // close() would wait for keepAliveTimeout.
      const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
      sweep.unref();
      server.close(() => {
        clearTimeout(force);
        clearInterval(sweep);
        resolve();
      });
      server.closeIdleConnections();
    });
    return closing;
  }

  return { server, port, shutdown };
}
