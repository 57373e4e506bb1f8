import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';

/** How long a refused client has to read its 503 before the socket is destroyed. */
const REFUSAL_LINGER_MS = 1000;
/** Refused sockets lingering at once; beyond this, excess connections are dropped outright. */
const MAX_LINGERING = 64;
/** At most one warning per this interval, however many connections are refused. */
const WARN_INTERVAL_MS = 60_000;

const REFUSAL_BODY = JSON.stringify({
  error: 'The gateway has too many open connections; retry shortly',
  code: 'overloaded',
});
/**
 * The whole answer to an excess connection, written before its request is read: the flat error
 * body with the `overloaded` code, as for a full execution queue (RFC 9110 §15.6.4, Retry-After).
 */
const REFUSAL =
  'HTTP/1.1 503 Service Unavailable\r\n' +
  'Content-Type: application/json; charset=utf-8\r\n' +
  `Content-Length: ${Buffer.byteLength(REFUSAL_BODY)}\r\n` +
  'Retry-After: 1\r\nConnection: close\r\n\r\n' +
  REFUSAL_BODY;

export interface ConnectionCapOptions {
  /** Open client connections at once (MAX_CONNECTIONS). */
  max: number;
  logger: Pick<Logger, 'warn'>;
}

/** The connections a capped server is serving, and how many it refused. */
export interface ConnectionCap {
  /** Connections being served (not the refused ones). */
  readonly sockets: ReadonlySet<Socket>;
  /** Connections refused since start. */
  refused(): number;
}

/**
 * Caps the connections an HTTP server serves at once (file descriptors are finite: idle sockets
 * beyond `ulimit -n` made calls to Piston fail with EMFILE). An excess connection is answered
 * `503` with `Retry-After` and `Connection: close` and closed, so its client learns why; Node's
 * own `server.maxConnections` would close it without a word. A flood beyond that is dropped
 * without an answer. A warning names the refusals at most once a minute.
 *
 * @example const cap = capConnections(server, { max: 768, logger });
 */
export function capConnections(server: Server, options: ConnectionCapOptions): ConnectionCap {
  const sockets = new Set<Socket>();
  const warnings = createRefusalWarnings(options);
  let lingering = 0;
  let refused = 0;
  const [serve, ...others] = server.listeners('connection') as ((socket: Socket) => void)[];
  if (!serve || others.length > 0) {
    // Not the plain http.Server this was written for: fall back to Node's silent cap.
    server.maxConnections = options.max;
    return { sockets, refused: () => refused };
  }
  server.removeListener('connection', serve);
  server.on('connection', function cappedConnection(this: Server, socket: Socket) {
    if (sockets.size < options.max) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      serve.call(this, socket);
      return;
    }
    refused++;
    warnings.refused();
    socket.on('error', () => undefined);
    if (lingering >= MAX_LINGERING) {
      socket.destroy();
      return;
    }
    lingering++;
    socket.once('close', () => lingering--);
    // Read and discard the request: closing with unread data would reset the connection, and
    // the client could lose the answer before reading it.
    socket.resume();
    socket.once('end', () => socket.destroy());
    setTimeout(() => socket.destroy(), REFUSAL_LINGER_MS).unref();
    socket.end(REFUSAL);
  });
  return { sockets, refused: () => refused };
}

/** One warn line per interval: the first refusal at once, later ones summed up. */
function createRefusalWarnings({ max, logger }: ConnectionCapOptions) {
  let lastWarnAt = -Infinity;
  let unreported = 0;
  let timer: NodeJS.Timeout | undefined;
  const report = () => {
    timer = undefined;
    lastWarnAt = Date.now();
    logger.warn(
      { refused: unreported, maxConnections: max },
      'connection limit reached: refused connections with 503 (MAX_CONNECTIONS)',
    );
    unreported = 0;
  };
  return {
    refused() {
      unreported++;
      const wait = lastWarnAt + WARN_INTERVAL_MS - Date.now();
      if (wait <= 0) report();
      else timer ??= setTimeout(report, wait).unref();
    },
  };
}
