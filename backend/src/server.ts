import { createServer, IncomingMessage, ServerResponse, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { appUpgrade } from './app.js';
import type { Config } from './config.js';
import { capConnections, type ConnectionCap } from './connection-cap.js';

/** Idle keep-alive connections stay open longer than typical load balancers' 60 s idle timeout. */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** A client has this long to send its request headers (slowloris protection). */
const HEADERS_TIMEOUT_MS = 15_000;
/** How often shutdown closes connections that have gone idle. */
const IDLE_SWEEP_MS = 50;

export interface RunningServer {
  server: Server;
  port: number;
  /** The address listened on: HOST, or `::`/`0.0.0.0` for every interface. */
  host: string;
  /** The connections served now (at most MAX_CONNECTIONS) and how many were refused. */
  connections: ConnectionCap;
  /** Stops accepting, lets in-flight requests finish for up to SHUTDOWN_TIMEOUT_MS, then closes. */
  shutdown(): Promise<void>;
}

/** The longest a request may legitimately take: reading it, plus the longest execution. */
export function requestTimeoutMs(
  config: Pick<Config, 'COMPILE_TIMEOUT_MS' | 'MAX_RUN_TIMEOUT_MS' | 'PISTON_TIMEOUT_MS'>,
): number {
  return (
    HEADERS_TIMEOUT_MS +
    config.COMPILE_TIMEOUT_MS +
    config.MAX_RUN_TIMEOUT_MS +
    config.PISTON_TIMEOUT_MS
  );
}

interface NodeClasses {
  IncomingMessage: typeof IncomingMessage;
  ServerResponse: typeof ServerResponse;
}

/**
 * Request and response constructors whose objects start out with the app's prototypes. Express
 * re-parents every request and response onto `app.request` / `app.response` with
 * `Object.setPrototypeOf`, which makes V8 rebuild both objects' shapes: about 0.1 ms of CPU per
 * request on the project's machine, a fifth of a minimal Express app's cost (docs/benchmarks.md).
 * With the prototype already in place, Express's call changes nothing. Should a Node version
 * turn these constructors into ES classes (which cannot be called on an existing object), the
 * server falls back to Node's own.
 */
export function appPrototypeClasses(
  app: Express,
  base: NodeClasses = { IncomingMessage, ServerResponse },
): Partial<NodeClasses> {
  const isClass = (fn: unknown) => /^class\b/.test(Function.prototype.toString.call(fn));
  if (isClass(base.IncomingMessage) || isClass(base.ServerResponse)) return {};
  function AppRequest(this: IncomingMessage, socket: Socket) {
    Reflect.apply(base.IncomingMessage, this, [socket]);
  }
  AppRequest.prototype = app.request;
  function AppResponse(this: ServerResponse, req: IncomingMessage, options?: unknown) {
    Reflect.apply(base.ServerResponse, this, [req, options]);
  }
  AppResponse.prototype = app.response;
  return {
    IncomingMessage: AppRequest as unknown as typeof IncomingMessage,
    ServerResponse: AppResponse as unknown as typeof ServerResponse,
  };
}

const UNRESOLVED_HOST =
  'HOST is not a name this machine can resolve; set it to an address such as 127.0.0.1, or leave it unset for every interface';

/** What to do about the listen errors an operator meets, by Node's error code. */
const LISTEN_ADVICE: Readonly<Record<string, string>> = {
  EADDRINUSE: 'another process is already listening on it; stop it or set PORT to a free port',
  EACCES: 'permission denied; ports below 1024 need privileges, so set PORT to 1024 or above',
  EADDRNOTAVAIL:
    'HOST is not an address of this machine; set it to one of its interfaces (127.0.0.1 for loopback only), or leave it unset for every interface',
  ENOTFOUND: UNRESOLVED_HOST,
  EAI_AGAIN: UNRESOLVED_HOST,
  EAI_FAIL: UNRESOLVED_HOST,
};

/** The server could not listen; the message says why in the operator's terms. */
export class ListenError extends Error {
  constructor(port: number, host: string | undefined, cause: NodeJS.ErrnoException) {
    const why = (cause.code && LISTEN_ADVICE[cause.code]) ?? cause.message;
    const where = host === undefined ? `port ${port}` : `port ${port} of HOST=${host}`;
    super(`Cannot listen on ${where}: ${why}`, { cause });
    this.name = 'ListenError';
  }
}

/**
 * Starts an HTTP server for the app on HOST:PORT with timeouts against slow clients and at most
 * MAX_CONNECTIONS connections. Rejects with a ListenError when the address cannot be used.
 */
export async function startServer(
  app: Express,
  config: Pick<
    Config,
    | 'PORT'
    | 'HOST'
    | 'MAX_CONNECTIONS'
    | 'COMPILE_TIMEOUT_MS'
    | 'MAX_RUN_TIMEOUT_MS'
    | 'PISTON_TIMEOUT_MS'
    | 'SHUTDOWN_TIMEOUT_MS'
  >,
  logger: Pick<Logger, 'info' | 'warn'>,
): Promise<RunningServer> {
  let draining = false;
  // The response each connection is answering, so shutdown can make it say Connection: close.
  const responses = new WeakMap<Socket, ServerResponse>();
  const server = createServer(appPrototypeClasses(app), function serve(req, res) {
    if (draining) res.shouldKeepAlive = false;
    else responses.set(req.socket, res);
    app(req, res);
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = requestTimeoutMs(config);
  const connections = capConnections(server, { max: config.MAX_CONNECTIONS, logger });
  // Live-run WebSockets on the same port; their sockets count against MAX_CONNECTIONS too.
  const upgrade = appUpgrade(app);
  if (upgrade) server.on('upgrade', upgrade.handle);
  await listen(server, config);
  const { port, address: host } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  function shutdown(): Promise<void> {
    if (closing) return closing;
    logger.info('shutting down: no new connections, waiting for in-flight requests');
    // Answers sent from now on close their connection instead of inviting another request.
    draining = true;
    for (const socket of connections.sockets) {
      const res = responses.get(socket);
      if (res && !res.headersSent) res.shouldKeepAlive = false;
    }
    // Upgraded sockets are no HTTP connections: closeGracefully cannot close them, so live
    // runs get the same time to finish, then 1001.
    closing = Promise.all([
      closeGracefully(server, config.SHUTDOWN_TIMEOUT_MS, logger),
      upgrade?.close(config.SHUTDOWN_TIMEOUT_MS),
    ]).then(() => undefined);
    return closing;
  }

  return { server, port, host, connections, shutdown };
}

/** Listens on HOST:PORT; rejects with a ListenError in the operator's terms. */
function listen(server: Server, config: Pick<Config, 'PORT' | 'HOST'>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) => {
      reject(new ListenError(config.PORT, config.HOST, error));
    };
    server.once('error', fail);
    server.listen(config.PORT, config.HOST, () => {
      server.off('error', fail);
      resolve();
    });
  });
}

/**
 * Stops accepting, closes connections as they go idle, and closes the rest after `timeoutMs`.
 */
function closeGracefully(
  server: Server,
  timeoutMs: number,
  logger: Pick<Logger, 'warn'>,
): Promise<void> {
  return new Promise<void>((resolve) => {
    const force = setTimeout(() => {
      logger.warn('shutdown timeout reached; closing remaining connections');
      server.closeAllConnections();
    }, timeoutMs);
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
}
