import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { recordHttpRequest } from '../metrics/http-metrics.js';
import type { Metrics } from '../metrics/metrics.js';
import { getApiKey } from './api-key.js';
import { getClientIp } from './client-key.js';
import { assignRequestId } from './request-id.js';
import { loggedUrl } from './short-path.js';

/** Probes and scrapes would drown the access log; they are still counted in metrics. */
const UNLOGGED_PREFIXES = ['/health', '/metrics'];

const LOGGED_ERROR = 'loggedError';
const FINISH = 'observeFinish';

/** How a request whose connection became a WebSocket ended. */
interface SocketEnd {
  /** The WebSocket close code (RFC 6455 §7.4; 1005 none given, 1006 dropped). */
  closeCode: number;
}

/**
 * The first middleware: gives the request its id, then, once the response is over, counts and
 * times it and writes one access-log line. One `close` listener per request does all of it,
 * which measured cheaper than pino-http's per-request child logger and listeners.
 *
 * The log line has method, path (at most 200 characters, and any query string as `?[redacted]`),
 * client address, API key name, status, error code, cache status and duration only (and the close
 * code of a WebSocket, see endUpgradedRequest): request and response bodies (code, stdin, output)
 * and credentials never reach the logs.
 *
 * @example app.use(observeRequests({ logger, metrics }));
 */
export function observeRequests(deps: { logger: Logger; metrics: Metrics }): RequestHandler {
  const { logger, metrics } = deps;
  return function observeRequestsMiddleware(req, res, next) {
    const started = process.hrtime.bigint();
    const id = assignRequestId(req, res);
    let observed = false;
    const finish = (socket?: SocketEnd) => {
      if (observed) return;
      observed = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (res.writableFinished || socket) recordHttpRequest(metrics, req, res, seconds);
      logRequest(logger, req, res, { id, seconds, socket });
    };
    res.once('close', () => finish());
    res.locals[FINISH] = finish;
    next();
  };
}

/**
 * Counts and logs a request whose connection became a WebSocket, when the WebSocket closes: the
 * response let go of its socket (`res.detachSocket`), so it never closes itself. The metrics and
 * the access line are those of every request, with the status the handshake answered (101), the
 * whole life of the socket as its duration, and the close code.
 *
 * @example ws.once('close', (code) => endUpgradedRequest(res, code));
 */
export function endUpgradedRequest(res: Response, closeCode: number): void {
  const finish = res.locals[FINISH] as ((socket: SocketEnd) => void) | undefined;
  finish?.({ closeCode });
}

function logRequest(
  logger: Logger,
  req: Request,
  res: Response,
  { id, seconds, socket }: { id: string; seconds: number; socket: SocketEnd | undefined },
): void {
  const error = getLoggedError(res);
  if (!error && UNLOGGED_PREFIXES.some((prefix) => req.originalUrl.startsWith(prefix))) return;
  const apiKey = getApiKey(res)?.name;
  const cache = res.getHeader('X-Cache');
  const code = res.locals.errorCode as string | undefined;
  const line = {
    req: {
      id,
      method: req.method,
      // Shortened, and without the query string's values (`?api_key=...` stays out of the logs).
      url: loggedUrl(req.originalUrl),
      // The client's address as the rate limits see it (TRUST_PROXY hops), not the proxy's.
      remoteAddress: getClientIp(req, res),
      // Which caller, by the key's name (never the key itself).
      ...(apiKey ? { apiKey } : {}),
    },
    res: {
      statusCode: res.statusCode,
      ...(code ? { code } : {}),
      ...(cache ? { cache } : {}),
      ...(socket ? { closeCode: socket.closeCode } : {}),
    },
    responseTime: Math.round(seconds * 1e6) / 1e3,
    ...(error ? { err: error, cause: error.cause } : {}),
  };
  if (socket) {
    logger.info(line, 'websocket closed');
    return;
  }
  if (!res.writableFinished) {
    logger.info(line, 'request aborted by the client');
    return;
  }
  const level = isFailure(res.statusCode, code) ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';
  logger[level](line, error ? `request failed: ${error.message}` : 'request completed');
}

/**
 * Whether an answer is the gateway failing (logged at error level, with its error): a 5xx, except
 * shedding load, which is the gateway working as designed (counted in metrics instead).
 */
export function isFailure(statusCode: number, code: string | undefined): boolean {
  return statusCode >= 500 && code !== 'overloaded';
}

/** Marks the error a response failed with, for its access line (the error handler sets it). */
export function setLoggedError(res: Response, error: Error): void {
  res.locals[LOGGED_ERROR] = error;
}

function getLoggedError(res: Response): Error | undefined {
  const error: unknown = res.locals[LOGGED_ERROR];
  return error instanceof Error ? error : undefined;
}
