import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { ApiKey } from '../auth/api-keys.js';
import { AppError, BadRequestError, ERROR_STATUS, UnauthorizedError } from '../errors.js';
import { toAppError } from '../middleware/error-handler.js';
import type { ExecutionService } from '../execution/execution-service.js';
import type { RefundableRateLimit } from '../middleware/rate-limit.js';
import { NEVER_RAN } from '../routes/execution-steps.js';
import type { LiveSink } from '../live/live-events.js';
import type { LiveRun, LiveRunner } from '../live/live-runner.js';
import {
  CLOSE,
  closeCodeFor,
  errorFrame,
  eventFragments,
  parseInitFrame,
  parseRunFrame,
} from './ws-frames.js';

export interface LiveSessionDeps {
  execution: Pick<ExecutionService, 'prepare'>;
  runner: LiveRunner;
  /** Finds the configured API key a browser sends in its init frame. */
  lookupKey: (presented: string) => ApiKey | undefined;
  /** The execution limit, counted per run as for POST /api/execute. */
  executeLimit: Pick<RefundableRateLimit, 'hit'>;
  /** The execution limit of a client without an API key (EXECUTE_RATE_LIMIT_MAX). */
  executeMax: number;
  /** Stdin a client may send before the run has started (MAX_STDIN_BYTES). */
  maxStdinBytes: number;
  /** How long a client has to send its init frame. */
  initTimeoutMs: number;
  /** How often the peer is pinged; one that misses a whole interval is dropped. */
  pingIntervalMs: number;
  logger: Pick<Logger, 'info' | 'error'>;
}

/** What the upgrade established about the client. */
export interface SessionContext {
  requestId: string;
  /** The rate-limit key of the upgrade (the address's, or a header API key's). */
  clientKey: string;
  /** The API key sent in a header, if any. */
  apiKey?: ApiKey;
  /** REQUIRE_API_KEY and no key in a header: the init frame must bring one. */
  keyRequired: boolean;
}

/** A session as the socket manager sees it, to close it on shutdown. */
export interface LiveSession {
  /** True once a run has been started (shutdown lets it finish). */
  running(): boolean;
  /** Resolves when the socket has closed. */
  readonly closed: Promise<void>;
  /** Closes with 1001 (going away), ending the run for the client. */
  goAway(): void;
}

type Phase = 'init' | 'starting' | 'running' | 'closing';

/**
 * Serves one live-run WebSocket: waits for the init frame (at most `initTimeoutMs`), checks its
 * API key, validates and prepares it as POST /api/execute does, counts the execution, starts
 * the live run and relays events to the client and `stdin`/`kill` frames to the run; pings the
 * peer and drops one that stops answering. Every refusal is an `error` frame, then a close code.
 */
export function serveLiveSession(
  ws: WebSocket,
  ctx: SessionContext,
  deps: LiveSessionDeps,
): LiveSession {
  let phase: Phase = 'init';
  let run: LiveRun | undefined;
  let killed = false;
  // Stdin sent before the run started, as one string: its memory is its bytes, not its frames.
  let queued = '';
  let queuedBytes = 0;
  const controller = new AbortController();
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));

  const close = (code: number, reason = '') => {
    if (phase === 'closing') return;
    phase = 'closing';
    ws.close(code, reason);
    // A peer that never answers the close frame is not waited for (ws would wait 30 s).
    setTimeout(() => ws.terminate(), 1000).unref();
  };
  const refuse = (failure: unknown) => {
    if (phase === 'closing') return;
    const error = toAppError(failure);
    if (error.statusCode >= 500 && error.code !== 'overloaded') {
      deps.logger.error(
        { requestId: ctx.requestId, err: error, cause: error.cause },
        'live run refused',
      );
    }
    ws.send(errorFrame(error, ctx.requestId));
    close(closeCodeFor(error.code, error.statusCode));
  };

  const initTimer = setTimeout(() => {
    refuse(new BadRequestError('invalid_request', `No init frame within ${deps.initTimeoutMs} ms`));
  }, deps.initTimeoutMs);
  initTimer.unref();

  let alive = true;
  const ping = setInterval(() => {
    if (!alive) {
      ws.terminate();
      return;
    }
    alive = false;
    ws.ping();
  }, deps.pingIntervalMs);
  ping.unref();
  ws.on('pong', () => {
    alive = true;
  });

  const sink: LiveSink = {
    send(event) {
      if (phase === 'closing') return;
      const fragments = eventFragments(event);
      fragments.forEach((fragment, i) => {
        ws.send(fragment, { binary: false, fin: i === fragments.length - 1 });
      });
      if (event.type === 'result') close(CLOSE.normal);
      else if (event.type === 'error') close(closeCodeFor(event.code, statusOf(event.code)));
    },
    buffered: () => ws.bufferedAmount,
  };

  async function start(text: string) {
    const frame = parseInitFrame(text);
    const key = keyFor(ctx, frame.apiKey, deps);
    const prepared = await deps.execution.prepare(frame.body);
    const clientKey = key ? `key:${key.name}` : ctx.clientKey;
    const refund = await deps.executeLimit.hit(clientKey, key?.limit ?? deps.executeMax);
    try {
      run = await deps.runner.start(prepared, sink, {
        requestId: ctx.requestId,
        signal: controller.signal,
      });
    } catch (error) {
      if (error instanceof AppError && NEVER_RAN.has(error.code)) refund();
      throw error;
    }
    phase = phase === 'closing' ? phase : 'running';
    if (queued !== '') run.write(queued);
    queued = '';
    if (killed) run.kill();
  }

  ws.on('message', (data, isBinary) => {
    if (phase === 'closing') return;
    try {
      if (isBinary) throw new BadRequestError('invalid_request', 'Send text frames of JSON');
      const text = (
        Buffer.isBuffer(data)
          ? data
          : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)])
      ).toString('utf8');
      if (phase === 'init') {
        clearTimeout(initTimer);
        phase = 'starting';
        start(text).catch((error: unknown) => {
          if (killed && phase !== 'closing') close(CLOSE.normal, 'killed');
          else refuse(error);
        });
        return;
      }
      const frame = parseRunFrame(text);
      if (frame.type === 'kill') {
        killed = true;
        if (run) run.kill();
        else controller.abort();
      } else if (run) run.write(frame.data);
      else queueStdin(frame.data);
    } catch (error) {
      refuse(error);
    }
  });

  function queueStdin(data: string) {
    // An empty frame carries nothing for the program: it is not kept (nor counted).
    if (data === '') return;
    queuedBytes += Buffer.byteLength(data, 'utf8');
    if (queuedBytes > deps.maxStdinBytes) {
      throw new BadRequestError(
        'payload_too_large',
        `stdin is larger than ${deps.maxStdinBytes} bytes`,
      );
    }
    queued += data;
  }

  ws.on('error', () => undefined);
  ws.once('close', (code) => {
    clearTimeout(initTimer);
    clearInterval(ping);
    phase = 'closing';
    // The client left: the run ends for it; the runner keeps the slot until Piston is done.
    if (run) run.kill();
    else controller.abort();
    deps.logger.info({ requestId: ctx.requestId, closeCode: code }, 'live socket closed');
  });

  return {
    running: () => phase === 'running' || phase === 'starting',
    closed,
    goAway: () => close(CLOSE.goingAway, 'server shutting down'),
  };
}

/** The HTTP status an error code travels with (500 for one the gateway does not know). */
function statusOf(code: string): number {
  return (ERROR_STATUS as Record<string, number | undefined>)[code] ?? 500;
}

/** The API key of the run: the header's, else the init frame's (refused when unknown). */
function keyFor(
  ctx: SessionContext,
  presented: string | undefined,
  deps: Pick<LiveSessionDeps, 'lookupKey'>,
): ApiKey | undefined {
  if (ctx.apiKey) return ctx.apiKey;
  if (presented !== undefined && presented !== '') {
    const key = deps.lookupKey(presented);
    if (!key) throw new UnauthorizedError('invalid_api_key', 'The API key is not valid');
    return key;
  }
  if (ctx.keyRequired) {
    throw new UnauthorizedError(
      'api_key_required',
      'An API key is required: send Authorization: Bearer <key> or X-API-Key, or "apiKey" in the init frame',
    );
  }
  return undefined;
}
