import { randomUUID } from 'node:crypto';
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Express, Request, Response, Router } from 'express';
import { WebSocketServer } from 'ws';
import { createKeyLookup, type ApiKey } from '../auth/api-keys.js';
import { BadRequestError, ForbiddenOriginError, OverloadedError } from '../errors.js';
import { getApiKey, getAuthFailure, throwAuthFailure } from '../middleware/api-key.js';
import { endUpgradedRequest } from '../middleware/observe-requests.js';
import { getClientKey } from '../middleware/client-key.js';
import { methodNotAllowed } from '../middleware/method-not-allowed.js';
import { getRequestId } from '../middleware/request-id.js';
import { createRouter } from '../routes/create-router.js';
import { WS_ROUTE_DOCS } from './ws-route-docs.js';
import { serveLiveSession, type LiveSession, type LiveSessionDeps } from './ws-session.js';

/** The default ping interval: a peer that stops answering is dropped within two of them (30 s). */
export const PING_INTERVAL_MS = 15_000;
/** The time a client has to send its init frame (issue #15). */
export const INIT_TIMEOUT_MS = 5000;
/** How long a refused upgrade's socket may linger after its answer. */
const REFUSAL_LINGER_MS = 1000;

export interface LiveSocketsOptions extends Omit<LiveSessionDeps, 'lookupKey'> {
  apiKeys: readonly ApiKey[];
  /** CORS_ORIGINS: the pages allowed to open a socket; a request without Origin is no browser. */
  corsOrigins: '*' | readonly string[];
  /** The largest frame (BODY_LIMIT); a larger one closes the socket with 1009. */
  maxPayload: number;
}

/** The live-run WebSockets of an app: its route, the server's upgrade handler, and shutdown. */
export interface LiveSockets {
  /** `GET /api/execute/ws`, mounted where the /api middleware has run. */
  router: Router;
  /** For the HTTP server's `upgrade` event: dispatches the upgrade through the app. */
  upgrade(app: Express): (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  /**
   * Stops accepting sockets, closes those waiting for init at once and the rest when their run
   * ends or after `timeoutMs`, with 1001 (going away); resolves when every socket has closed.
   */
  close(timeoutMs: number): Promise<void>;
  /** Live sockets open now. */
  open(): number;
}

/**
 * `GET /api/execute/ws` on the gateway's own server (ws with `noServer`). The upgrade request is
 * passed through the Express app like any request, so the request id, the API key check, the
 * /api rate limit, metrics and the access log apply to it (an upgraded one when its WebSocket
 * closes, with status 101 and the close code), and a refusal (403 for an Origin outside
 * CORS_ORIGINS, 401, 429, 503 while shutting down, 400 for a handshake ws refuses) is an
 * ordinary HTTP answer before any WebSocket exists. Browsers cannot send headers on a WebSocket: with REQUIRE_API_KEY a missing
 * header key is left to the init frame's `apiKey`.
 *
 * @example const sockets = createLiveSockets(options); app.use('/api/execute/ws', sockets.router); server.on('upgrade', sockets.upgrade(app));
 */
export function createLiveSockets(options: LiveSocketsOptions): LiveSockets {
  const heads = new WeakMap<IncomingMessage, Buffer>();
  const sessions = new Set<LiveSession>();
  const sessionDeps: LiveSessionDeps = { ...options, lookupKey: createKeyLookup(options.apiKeys) };
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayload,
    clientTracking: false,
    perMessageDeflate: false,
  });
  let draining = false;
  // ws checks the handshake (Sec-WebSocket-Key, -Version) before it writes anything, and with a
  // listener here it leaves the answer to us: the route's ordinary JSON 400, logged and counted.
  const handshakeErrors = new WeakMap<IncomingMessage, Error>();
  wss.on('wsClientError', (error, _socket, req) => handshakeErrors.set(req, error));

  const router = createRouter(WS_ROUTE_DOCS);
  router.get('/', function liveSocket(req: Request, res: Response) {
    const head = heads.get(req);
    if (!head || req.headers.upgrade?.toLowerCase() !== 'websocket') {
      throw new BadRequestError('invalid_request', 'Connect with a WebSocket (Upgrade: websocket)');
    }
    checkOrigin(req.headers.origin, options.corsOrigins);
    const failure = getAuthFailure(res);
    if (failure && failure.code !== 'api_key_required') throwAuthFailure(res);
    if (draining) {
      throw new OverloadedError('The gateway is shutting down; reconnect shortly', {
        retryAfterSeconds: 1,
      });
    }
    const apiKey = getApiKey(res);
    const context = {
      requestId: getRequestId(res) ?? randomUUID(),
      clientKey: getClientKey(res),
      ...(apiKey ? { apiKey } : {}),
      keyRequired: failure !== undefined,
    };
    wss.handleUpgrade(req, req.socket, head, (ws) => {
      // The 101 is written: from here the socket is the WebSocket's, and the response lets go
      // of it. The request is counted and logged when the WebSocket closes.
      res.detachSocket(req.socket);
      res.statusCode = 101;
      ws.once('close', (code) => endUpgradedRequest(res, code));
      const session = serveLiveSession(ws, context, sessionDeps);
      sessions.add(session);
      void session.closed.then(() => sessions.delete(session));
    });
    const refused = handshakeErrors.get(req);
    if (refused) {
      throw new BadRequestError('invalid_request', `Not a WebSocket handshake: ${refused.message}`);
    }
  });
  router.all('/', methodNotAllowed('GET'));

  return {
    router,
    upgrade(app) {
      return function liveUpgrade(req, socket, head) {
        socket.on('error', () => undefined);
        heads.set(req, head);
        // An answer the app writes (a refusal, a 404 for another path) goes to the socket as
        // HTTP, and the socket closes after it.
        const res = new ServerResponse(req);
        res.shouldKeepAlive = false;
        res.assignSocket(socket as never);
        res.once('finish', () => {
          socket.end();
          setTimeout(() => socket.destroy(), REFUSAL_LINGER_MS).unref();
        });
        app(req, res);
      };
    },
    async close(timeoutMs) {
      draining = true;
      for (const session of sessions) if (!session.running()) session.goAway();
      const force = setTimeout(() => {
        for (const session of sessions) session.goAway();
      }, timeoutMs);
      force.unref();
      await Promise.all([...sessions].map((session) => session.closed));
      clearTimeout(force);
    },
    open: () => sessions.size,
  };
}

/** Refuses (403) an Origin outside CORS_ORIGINS; a client without Origin is not a browser. */
function checkOrigin(origin: string | undefined, allowed: '*' | readonly string[]): void {
  if (origin === undefined || allowed === '*') return;
  const wanted = origin.toLowerCase();
  if (allowed.some((entry) => entry.toLowerCase() === wanted)) return;
  throw new ForbiddenOriginError(
    'This page may not open live runs: its Origin is not in CORS_ORIGINS',
  );
}
