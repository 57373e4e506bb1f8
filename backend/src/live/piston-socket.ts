import WebSocket, { type RawData } from 'ws';
import { z } from 'zod';
import {
  UpstreamError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
  type AppError,
} from '../errors.js';
import { UPSTREAM_RETRY_AFTER_SECONDS, pistonApiRoot } from '../piston/piston-client.js';

/** A frame Piston sends on `/api/v2/connect` (see backend/test/fixtures/ws/README.md). */
export const PistonFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('runtime'), language: z.string(), version: z.string() }),
  z.object({ type: z.literal('stage'), stage: z.enum(['compile', 'run']) }),
  z.object({ type: z.literal('data'), stream: z.enum(['stdout', 'stderr']), data: z.string() }),
  z.object({
    type: z.literal('exit'),
    stage: z.enum(['compile', 'run']),
    code: z.number().nullable().optional(),
    signal: z.string().nullable().optional(),
  }),
  z.object({ type: z.literal('error'), message: z.string().max(10_000) }),
]);
export type PistonFrame = z.infer<typeof PistonFrameSchema>;

/** Piston's close code when a job has finished (`ws.close(4999, 'Job Completed')`). */
export const JOB_COMPLETED = 4999;

/** Connection failures that mean Piston could not be reached (503, worth retrying). */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EMFILE',
  'ENFILE',
  'EADDRNOTAVAIL',
]);

export interface PistonSocketOptions {
  /** Piston's address, as PISTON_URL (http or https, with or without `/api/v2`). */
  baseUrl: string;
  /** Extra handshake headers (PISTON_AUTH_HEADER). */
  headers: Record<string, string>;
  /** How long the opening handshake may take. */
  handshakeTimeoutMs: number;
  /** Largest frame accepted from Piston; a larger one fails the socket (close 1009). */
  maxPayload: number;
}

/** What the owner of a Piston socket is told; `closed` comes exactly once, last. */
export interface PistonSocketHandlers {
  open(): void;
  frame(frame: PistonFrame): void;
  /** A frame that is not one of Piston's (bad JSON or shape); the socket stays open. */
  garbled(): void;
  /** The socket failed before it opened; `closed` follows. */
  failed(error: AppError): void;
  /** The socket is gone: Piston closed it (4999 when the job completed), or it dropped. */
  closed(code: number, tooLarge: boolean): void;
}

/** One WebSocket to Piston's `/api/v2/connect`, speaking its JSON frames. */
export interface PistonSocket {
  /** Sends a frame if the socket is open; `written` is called once it left this process. */
  send(message: Record<string, unknown>, written?: () => void): void;
  /** Bytes sent but not yet written to the connection (ws `bufferedAmount`). */
  buffered(): number;
  /**
   * Stops parsing Piston's frames (the client has had its last event; output is discarded). Past
   * `maxBytes` of discarded frames `overflow` is called once (a program still flooding).
   */
  ignoreFrames(maxBytes: number, overflow: () => void): void;
  /** Drops the connection at once (Piston keeps running the job, see the README's defects). */
  terminate(): void;
}

/** The `ws://` or `wss://` address of Piston's live endpoint for a PISTON_URL. */
export function pistonConnectUrl(baseUrl: string): string {
  const url = new URL(`${pistonApiRoot(baseUrl)}/connect`);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/** Opens a socket to Piston; no redirects, no compression (a zip bomb cannot pass the cap). */
export function openPistonSocket(
  options: PistonSocketOptions,
  handlers: PistonSocketHandlers,
): PistonSocket {
  const ws = new WebSocket(pistonConnectUrl(options.baseUrl), {
    headers: options.headers,
    handshakeTimeout: options.handshakeTimeoutMs,
    maxPayload: options.maxPayload,
    followRedirects: false,
    perMessageDeflate: false,
  });
  let opened = false;
  let tooLarge = false;
  let ignoring: { left: number; overflow: () => void } | undefined;
  ws.on('open', () => {
    opened = true;
    handlers.open();
  });
  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (ignoring) {
      ignoring.left -= Array.isArray(data)
        ? data.reduce((sum, part) => sum + part.length, 0)
        : data.byteLength;
      if (ignoring.left < 0) {
        const { overflow } = ignoring;
        ignoring = { left: Infinity, overflow };
        overflow();
      }
      return;
    }
    const frame = isBinary ? undefined : parseFrame(data);
    if (frame) handlers.frame(frame);
    else handlers.garbled();
  });
  ws.on('error', (error: Error & { code?: string }) => {
    if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') tooLarge = true;
    if (!opened) handlers.failed(connectError(error));
  });
  ws.on('close', (code: number) => {
    handlers.closed(code, tooLarge);
  });
  return {
    send(message, written) {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message), () => written?.());
    },
    buffered: () => ws.bufferedAmount,
    ignoreFrames(maxBytes, overflow) {
      ignoring ??= { left: maxBytes, overflow };
    },
    terminate() {
      ws.terminate();
    },
  };
}

function parseFrame(data: RawData): PistonFrame | undefined {
  try {
    const bytes = Array.isArray(data)
      ? Buffer.concat(data)
      : Buffer.isBuffer(data)
        ? data
        : Buffer.from(new Uint8Array(data));
    const text = bytes.toString('utf8');
    const parsed = PistonFrameSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** A failed opening, as the error a client may see (never Piston's address or raw answer). */
function connectError(error: Error & { code?: string }): AppError {
  if (error.message.startsWith('Unexpected server response')) {
    return new UpstreamError('The execution engine refused the live connection', {
      cause: error,
    });
  }
  if (error.message.includes('handshake has timed out')) {
    return new UpstreamTimeoutError(
      'The execution engine did not accept the live connection in time',
      {
        cause: error,
      },
    );
  }
  if (error.code === undefined || UNAVAILABLE_CODES.has(error.code)) {
    return new UpstreamUnavailableError('The execution engine is unreachable; try again shortly', {
      cause: error,
      retryAfterSeconds: UPSTREAM_RETRY_AFTER_SECONDS,
    });
  }
  return new UpstreamError('The live connection to the execution engine failed', { cause: error });
}
