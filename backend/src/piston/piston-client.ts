import type { z } from 'zod';
import {
  BadRequestError,
  ClientGoneError,
  UpstreamError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '../errors.js';
import {
  PistonErrorBodySchema,
  PistonExecuteResponseSchema,
  PistonRootSchema,
  PistonRuntimeListSchema,
  type PistonExecuteRequest,
  type PistonExecuteResponse,
  type PistonRuntime,
} from './piston-schemas.js';
import {
  createHttpTransport,
  REQUEST_TOO_LARGE,
  RESPONSE_TOO_LARGE,
  type RawResponse,
} from './http-transport.js';
import { safeJson } from '../safe-json.js';

/** Seconds a client is told to wait when Piston cannot be reached. */
export const UPSTREAM_RETRY_AFTER_SECONDS = 5;

/** Upper bound on a Piston response body; Piston's own output limits keep real ones far smaller. */
const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** Failures to reach Piston at all: worth retrying shortly (503). */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
/**
 * The gateway itself could not open a connection (out of file descriptors, ports or buffers):
 * Piston never saw the request, so these are 503 as well, and readiness reports them.
 */
const LOCAL_RESOURCE_CODES = new Set(['EMFILE', 'ENFILE', 'EADDRNOTAVAIL', 'ENOBUFS']);
/** How long such a failure counts against readiness unless a new connection succeeds first. */
const CONNECTION_PROBLEM_MS = 30_000;
/** Piston took the request but did not answer in time (504). */
const TIMEOUT_CODES = new Set(['ETIMEDOUT']);

/** The calls the gateway makes to Piston; the only place that knows Piston speaks HTTP. */
export interface PistonClient {
  /**
   * The version Piston reports at its root (`"3.1.1"`), or undefined when its answer says none
   * (an older Piston, or a proxy that does not pass the root on). Network failures reject.
   */
  version(signal?: AbortSignal): Promise<string | undefined>;
  listRuntimes(signal?: AbortSignal): Promise<PistonRuntime[]>;
  execute(
    request: PistonExecuteRequest,
    options: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<PistonExecuteResponse>;
  /**
   * The code of the last failure to open a connection for lack of local resources (`EMFILE`,
   * ...), while no new connection has succeeded since and it is recent; else undefined.
   */
  connectionProblem(): string | undefined;
  /** Closes the connections to Piston. */
  close(): void;
}

export interface PistonClientOptions {
  /** Piston's address, with or without the `/api/v2` suffix. */
  baseUrl: string;
  /** Timeout for calls that run no code (the runtime list). */
  timeoutMs: number;
  /** Extra headers sent with every call (e.g. a shared secret for a proxy in front of Piston). */
  headers?: Record<string, string>;
  /** Largest answer accepted from Piston, in bytes (default 32 MiB). */
  maxResponseBytes?: number;
  /** Largest request Piston accepts, in bytes (its body-parser limit); default: no check. */
  maxRequestBytes?: number;
  now?: () => number;
}

/** Piston answered 400 "<language>-<version> runtime is unknown": the runtime list was stale. */
export class PistonRuntimeUnknownError extends UpstreamError {}

/** The caller aborted the call (its client went away); nobody is waiting for an answer. */
export class PistonCallAbortedError extends ClientGoneError {
  override readonly name = 'PistonCallAbortedError';
}

/**
 * Returns the API root for a Piston address: `http://piston:2000` and `http://piston:2000/api/v2`
 * both become `http://piston:2000/api/v2`; a path that already ends in `/api/v2/piston` (the public
 * emkc instance) is kept as it is.
 */
export function pistonApiRoot(baseUrl: string): string {
  const url = new URL(baseUrl);
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = /\/api\/v2(\/piston)?$/.test(path) ? path : `${path}/api/v2`;
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}

/**
 * Returns the address of Piston's own root, where it says its version: the API root without its
 * `/api/v2` (or the emkc instance's `/api/v2/piston`), e.g. `http://piston:2000/api/v2` becomes
 * `http://piston:2000/` and `https://proxy.example.com/piston` stays `https://proxy.example.com/piston/`.
 */
export function pistonRootUrl(baseUrl: string): string {
  const url = new URL(pistonApiRoot(baseUrl));
  url.pathname = `${url.pathname.replace(/\/api\/v2(\/piston)?$/, '')}/`;
  return url.toString();
}

/** `Piston v3.1.1` → `3.1.1`; a fixed shape, matched in linear time. */
const VERSION_MESSAGE = /^Piston v(\d{1,9}\.\d{1,9}\.\d{1,9}(?:[-+][0-9A-Za-z.-]{1,64})?)$/;

/**
 * Creates a Piston client over one keep-alive connection pool. Every answer is parsed with
 * zod and every failure becomes an Upstream* error carrying the original as `cause`.
 */
export function createPistonClient(options: PistonClientOptions): PistonClient {
  const transport = createHttpTransport({
    apiRoot: pistonApiRoot(options.baseUrl),
    headers: { accept: 'application/json', ...lowerCaseKeys(options.headers ?? {}) },
    maxResponseBytes: options.maxResponseBytes ?? MAX_RESPONSE_BYTES,
    ...(options.maxRequestBytes ? { maxRequestBytes: options.maxRequestBytes } : {}),
  });

  const now = options.now ?? Date.now;
  let connectionProblem: { code: string; at: number } | undefined;

  async function call(
    method: 'GET' | 'POST',
    path: string,
    config: { body?: string; timeoutMs?: number; signal?: AbortSignal },
  ): Promise<RawResponse> {
    try {
      const response = await transport.request(method, path, {
        timeoutMs: config.timeoutMs ?? options.timeoutMs,
        ...(config.body === undefined ? {} : { body: config.body }),
        ...(config.signal ? { signal: config.signal } : {}),
      });
      // Only a new connection proves that connections can be opened again.
      if (!response.reusedSocket) connectionProblem = undefined;
      return response;
    } catch (error) {
      const code = errorCode(error);
      if (code && LOCAL_RESOURCE_CODES.has(code)) connectionProblem = { code, at: now() };
      throw translateNetworkError(error, `${method} ${path}`, config.signal);
    }
  }

  const rootUrl = pistonRootUrl(options.baseUrl);

  return {
    async version(signal) {
      const response = await call('GET', rootUrl, { signal });
      if (response.status !== 200) return undefined;
      const parsed = PistonRootSchema.safeParse(safeJson(response.text));
      return parsed.success ? VERSION_MESSAGE.exec(parsed.data.message)?.[1] : undefined;
    },

    async listRuntimes(signal) {
      const response = await call('GET', '/runtimes', { signal });
      if (response.status !== 200) throw unexpectedStatus('GET /runtimes', response);
      return parseBody(PistonRuntimeListSchema, response, 'GET /runtimes');
    },

    async execute(request, { timeoutMs, signal }) {
      const body = JSON.stringify(request);
      const response = await call('POST', '/execute', { body, timeoutMs, signal });
      if (response.status === 200) {
        return parseBody(PistonExecuteResponseSchema, response, 'POST /execute');
      }
      const message = pistonErrorMessage(response);
      if (response.status === 400 && message?.endsWith('runtime is unknown')) {
        throw new PistonRuntimeUnknownError('The requested runtime is not installed', {
          cause: { status: response.status, message },
        });
      }
      throw unexpectedStatus('POST /execute', response);
    },

    connectionProblem() {
      if (connectionProblem && now() - connectionProblem.at < CONNECTION_PROBLEM_MS) {
        return connectionProblem.code;
      }
      return undefined;
    },

    close: () => {
      transport.close();
    },
  };
}

function translateNetworkError(error: unknown, what: string, signal?: AbortSignal): Error {
  if (signal?.aborted) return new PistonCallAbortedError(`${what} aborted by the caller`);
  const code = errorCode(error);
  if (code && TIMEOUT_CODES.has(code)) {
    return new UpstreamTimeoutError('The execution engine did not answer in time', {
      cause: error,
    });
  }
  if (code && (UNAVAILABLE_CODES.has(code) || LOCAL_RESOURCE_CODES.has(code))) {
    return new UpstreamUnavailableError('The execution engine is unavailable, try again shortly', {
      cause: error,
      retryAfterSeconds: UPSTREAM_RETRY_AFTER_SECONDS,
    });
  }
  if (code === REQUEST_TOO_LARGE) {
    // The execution service refuses these before sending; this is the last line of defence.
    return new BadRequestError(
      'payload_too_large',
      'The request as sent to the execution engine is over its size limit',
      { cause: error },
    );
  }
  if (code === RESPONSE_TOO_LARGE) {
    return new UpstreamError('The execution engine sent an oversized answer', { cause: error });
  }
  return new UpstreamError('The execution engine failed to answer', { cause: error });
}

/** The error code of a network error, looking through AggregateError (dual-stack connects). */
function errorCode(error: unknown): string | undefined {
  if (error instanceof AggregateError) return errorCode(error.errors[0]);
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function pistonErrorMessage(response: RawResponse): string | undefined {
  const parsed = PistonErrorBodySchema.safeParse(safeJson(response.text));
  return parsed.success ? parsed.data.message : undefined;
}

function unexpectedStatus(what: string, response: RawResponse): UpstreamError {
  const message = pistonErrorMessage(response);
  const summary = response.status >= 500 ? 'failed' : 'rejected the request';
  return new UpstreamError(`The execution engine ${summary}`, {
    cause: { what, status: response.status, message },
  });
}

function parseBody<T extends z.ZodType>(
  schema: T,
  response: RawResponse,
  what: string,
): z.infer<T> {
  const parsed = schema.safeParse(safeJson(response.text));
  if (!parsed.success) {
    throw new UpstreamError('The execution engine sent an unexpected answer', {
      cause: { what, status: response.status, issues: parsed.error.issues.slice(0, 5) },
    });
  }
  return parsed.data;
}
