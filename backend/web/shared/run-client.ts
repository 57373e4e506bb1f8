import { createParser } from 'eventsource-parser';
import { ApiError, toApiError } from './api-error.js';
import { isTestsResult, type RunRequest, type RunResult } from './types.js';

/** What a run reports while it runs. */
export interface RunEvents {
  onStdout(data: string): void;
  onStderr(data: string): void;
  onStage?(stage: string): void;
}

/** How a run reached the server: WebSocket (interactive), SSE stream, or one plain request. */
export type RunMode = 'websocket' | 'stream' | 'request';

/** A run in progress. */
export interface ActiveRun {
  readonly result: Promise<RunResult>;
  /** The transport in use now (it may fall back while starting). */
  mode(): RunMode;
  /** Sends a line of input to the program (WebSocket runs only); false when it cannot. */
  sendStdin(data: string): boolean;
  /** Ends the run: a kill over the WebSocket, else the request is abandoned. */
  stop(): void;
}

/** Options of a run client. */
export interface RunClientOptions {
  /** The gateway's origin, `''` for the page's own. */
  base: string;
  apiKey?: () => string | undefined;
  /** Whether to try the WebSocket first (the page: yes; embedded snippets: no). */
  interactive: boolean;
}

/** The answer a stopped run gets when the server could not say how it ended. */
export class RunStopped extends Error {}

/**
 * Starts runs on the gateway by the best transport it has: the WebSocket (`/api/execute/ws`) for
 * interactive input, else the SSE stream (`/api/execute/stream`), else `POST /api/execute`. A
 * transport the server lacks (a refused upgrade, a 404) is remembered and not tried again.
 */
export function createRunClient(options: RunClientOptions) {
  const missing = new Set<RunMode>();
  const headers = (): Record<string, string> => {
    const key = options.apiKey?.();
    return { 'Content-Type': 'application/json', ...(key ? { 'X-API-Key': key } : {}) };
  };

  return function startRun(body: RunRequest, events: RunEvents): ActiveRun {
    let mode: RunMode = 'request';
    let ws: WebSocket | undefined;
    const abort = new AbortController();
    let stopped = false;
    const viaRequest = async (): Promise<RunResult> => {
      mode = 'request';
      const result = await postExecute(options.base, body, headers(), abort.signal);
      if (isTestsResult(result)) {
        // Each case has its own output (the verdict table); only a failed compile is shown here.
        if (result.compile && result.verdict === 'compile_error') {
          events.onStdout(result.compile.stdout);
          events.onStderr(result.compile.stderr);
        }
      } else if (result.compile && result.status === 'compile_error') {
        events.onStdout(result.compile.stdout);
        events.onStderr(result.compile.stderr);
      } else {
        events.onStdout(result.run?.stdout ?? result.output);
        events.onStderr(result.run?.stderr ?? result.stderr);
      }
      return result;
    };
    const viaStream = async (): Promise<RunResult> => {
      if (body.tests?.length || missing.has('stream')) return viaRequest();
      mode = 'stream';
      const result = await streamExecute(options.base, body, headers(), abort.signal, events);
      if (result !== undefined) return result;
      missing.add('stream');
      return viaRequest();
    };
    const viaSocket = async (): Promise<RunResult> => {
      if (!options.interactive || body.tests?.length || missing.has('websocket'))
        return viaStream();
      mode = 'websocket';
      const outcome = await socketExecute(options.base, body, options.apiKey?.(), events, (s) => {
        ws = s;
      });
      if (outcome !== undefined) return outcome;
      missing.add('websocket');
      ws = undefined;
      return stopped ? Promise.reject(new RunStopped()) : viaStream();
    };
    const result = viaSocket().catch((error: unknown) => {
      if (stopped && !(error instanceof ApiError)) throw new RunStopped();
      throw error;
    });
    return {
      result,
      mode: () => mode,
      sendStdin(data) {
        if (ws?.readyState !== WebSocket.OPEN) return false;
        ws.send(JSON.stringify({ type: 'stdin', data }));
        return true;
      },
      stop() {
        stopped = true;
        if (ws?.readyState === WebSocket.OPEN) {
          ws.send(JSON.stringify({ type: 'kill' }));
          // The server answers a kill with the result at once; close if it does not.
          const socket = ws;
          setTimeout(() => socket.close(), 3000);
        } else {
          abort.abort();
        }
      },
    };
  };
}

async function postExecute(
  base: string,
  body: RunRequest,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<RunResult> {
  const response = await fetch(`${base}/api/execute`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
    signal,
  });
  if (!response.ok) throw await toApiError(response);
  return (await response.json()) as RunResult;
}

/** Runs over SSE; undefined when the server has no stream route (404 or 405). */
async function streamExecute(
  base: string,
  body: RunRequest,
  headers: Record<string, string>,
  signal: AbortSignal,
  events: RunEvents,
): Promise<RunResult | undefined> {
  const response = await fetch(`${base}/api/execute/stream`, {
    method: 'POST',
    headers: { ...headers, Accept: 'text/event-stream' },
    body: JSON.stringify(body),
    signal,
  });
  if (response.status === 404 || response.status === 405) return undefined;
  if (!response.ok) throw await toApiError(response);
  if (!response.body) throw new ApiError(0, 'stream_failed', 'The stream could not be read.');
  let result: RunResult | undefined;
  let failure: ApiError | undefined;
  const parser = createParser({
    onEvent(event) {
      const data = JSON.parse(event.data) as Record<string, unknown>;
      handleLiveEvent(event.event ?? 'message', data, events, {
        result: (r) => (result = r),
        error: (e) => (failure = e),
      });
    },
  });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parser.feed(value);
  }
  if (failure) throw failure;
  if (!result) throw new ApiError(0, 'stream_ended', 'The connection ended before the run did.');
  return result;
}

/** Runs over the WebSocket; undefined when the server refused the upgrade (no such route). */
function socketExecute(
  base: string,
  body: RunRequest,
  apiKey: string | undefined,
  events: RunEvents,
  opened: (socket: WebSocket) => void,
): Promise<RunResult | undefined> {
  const origin = base === '' ? location.origin : base;
  const url = `${origin.replace(/^http/, 'ws')}/api/execute/ws`;
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    let open = false;
    let result: RunResult | undefined;
    let failure: ApiError | undefined;
    socket.addEventListener('open', () => {
      open = true;
      opened(socket);
      socket.send(JSON.stringify({ type: 'init', ...body, ...(apiKey ? { apiKey } : {}) }));
    });
    socket.addEventListener('message', (message) => {
      if (typeof message.data !== 'string') return;
      const frame = JSON.parse(message.data) as Record<string, unknown>;
      const type = typeof frame.type === 'string' ? frame.type : '';
      const data = type === 'result' ? (frame.result as Record<string, unknown>) : frame;
      handleLiveEvent(type, data, events, {
        result: (r) => (result = r),
        error: (e) => (failure = e),
      });
      if (result || failure) socket.close(1000);
    });
    socket.addEventListener('close', (event) => {
      if (!open) resolve(undefined);
      else if (result) resolve(result);
      else
        reject(
          failure ??
            new ApiError(
              0,
              'socket_closed',
              `The connection closed (${event.code}) before the run ended.`,
            ),
        );
    });
  });
}

/** One live event (SSE event or WebSocket frame, the same payloads), dispatched. */
/** A field of an event's payload as text ('' when absent or not a string). */
function text(data: Record<string, unknown>, key: string, fallback = ''): string {
  const value = data[key];
  return typeof value === 'string' ? value : fallback;
}

function handleLiveEvent(
  type: string,
  data: Record<string, unknown>,
  events: RunEvents,
  end: { result(r: RunResult): void; error(e: ApiError): void },
): void {
  switch (type) {
    case 'stdout':
      events.onStdout(text(data, 'data'));
      break;
    case 'stderr':
      events.onStderr(text(data, 'data'));
      break;
    case 'stage':
      events.onStage?.(text(data, 'stage'));
      break;
    case 'result':
      end.result(data as unknown as RunResult);
      break;
    case 'error':
      end.error(
        new ApiError(
          errorStatus(text(data, 'code')),
          text(data, 'code', 'error'),
          text(data, 'error', 'The run failed.'),
          [],
          retryAfter(data),
        ),
      );
      break;
    default:
      break;
  }
}

/** The wait an error frame gives (`retryAfterSeconds`, as `Retry-After` over HTTP). */
function retryAfter(data: Record<string, unknown>): number | undefined {
  const wait = data.retryAfterSeconds;
  return typeof wait === 'number' && Number.isFinite(wait) && wait >= 0 ? wait : undefined;
}

/** The HTTP status an error code stands for, for frames that carry only the code. */
function errorStatus(code: string): number {
  if (code === 'rate_limited') return 429;
  if (code === 'overloaded' || code === 'upstream_unavailable') return 503;
  if (code === 'invalid_api_key' || code === 'api_key_required') return 401;
  return 400;
}
