import type { Response } from 'express';
import type { ExecuteResponse } from '../schemas/execute-response.js';
import { jsonPieces, type JsonPiece } from './json-pieces.js';
import type { LiveEvent, LiveSink } from './live-events.js';

/** How often a quiet stream gets a comment line, so proxies do not close it. */
export const SSE_PING_MS = 15_000;

/** A LiveSink writing Server-Sent Events to an HTTP response. */
export interface SseSink extends LiveSink {
  /** True once the first event opened the stream (headers sent). */
  started(): boolean;
  /** Ends the stream (and its pings). */
  end(): void;
}

/**
 * Writes live events as Server-Sent Events. The stream opens (200 and its headers) with the
 * first event, so anything refused before that is still an ordinary JSON error. Each event is
 * written at once; `no-transform` keeps the compression middleware from buffering it.
 *
 * @example const sink = createSseSink(res); sink.send({ type: 'stage', stage: 'run' });
 */
export function createSseSink(res: Response, options: { pingMs?: number } = {}): SseSink {
  let open = false;
  let ping: NodeJS.Timeout | undefined;

  function start(): void {
    open = true;
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream');
    // no-transform: compression (middleware/common.ts) leaves the stream alone (RFC 9111 5.2.2.6).
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    // nginx buffers proxied responses unless told not to.
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    ping = setInterval(() => {
      if (!res.writableEnded && !res.destroyed) res.write(': ping\n\n');
    }, options.pingMs ?? SSE_PING_MS);
    ping.unref();
    res.once('close', () => clearInterval(ping));
  }

  return {
    send(event) {
      if (!open) start();
      if (res.writableEnded || res.destroyed) return;
      if (event.type !== 'result') {
        res.write(formatEvent(event));
        return;
      }
      // The result holds the output twice; its pieces share one encoding of it (see jsonPieces)
      // and go out corked, together, without being copied into one string first.
      res.cork();
      for (const piece of resultPieces(event.result)) res.write(piece);
      res.uncork();
    },
    buffered: () => res.writableLength,
    started: () => open,
    end() {
      clearInterval(ping);
      if (!res.writableEnded) res.end();
    },
  };
}

/** One event: its name and one `data:` line of JSON (JSON has no raw line breaks). */
export function formatEvent(event: LiveEvent): string {
  const { type, ...payload } = event;
  const data = event.type === 'result' ? event.result : payload;
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A `result` event as pieces whose text is `formatEvent`'s for it (see jsonPieces). */
export function resultPieces(result: ExecuteResponse): JsonPiece[] {
  return ['event: result\ndata: ', ...jsonPieces(result), '\n\n'];
}
