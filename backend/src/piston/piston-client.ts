import { HttpAgent, HttpsAgent } from 'agentkeepalive';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import type { z } from 'zod';
import { UpstreamError, UpstreamTimeoutError, UpstreamUnavailableError } from '../errors.js';
import {
  PistonErrorBodySchema,
  PistonExecuteResponseSchema,
  PistonRuntimeListSchema,
  type PistonExecuteRequest,
  type PistonExecuteResponse,
  type PistonRuntime,
} from './piston-schemas.js';

/** Seconds a client is told to wait when Piston cannot be reached. */
export const UPSTREAM_RETRY_AFTER_SECONDS = 5;

/** Upper bound on a Piston response body; Piston's own output limits keep real ones far smaller. */
const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT']);

/** The calls the gateway makes to Piston; the only place that knows Piston speaks HTTP. */
export interface PistonClient {
  listRuntimes(signal?: AbortSignal): Promise<PistonRuntime[]>;
  execute(
    request: PistonExecuteRequest,
    options: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<PistonExecuteResponse>;
}

export interface PistonClientOptions {
  /** Piston's address, with or without the `/api/v2` suffix. */
  baseUrl: string;
  /** Timeout for calls that run no code (the runtime list). */
  timeoutMs: number;
  /** Extra headers sent with every call (e.g. a shared secret for a proxy in front of Piston). */
  headers?: Record<string, string>;
}

/** Piston answered 400 "<language>-<version> runtime is unknown": the runtime list was stale. */
export class PistonRuntimeUnknownError extends UpstreamError {}

/** The caller aborted the call (its client went away); nobody is waiting for an answer. */
export class PistonCallAbortedError extends Error {
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
 * Creates a Piston client over one keep-alive axios instance. Every answer is parsed with zod and
 * every failure becomes an Upstream* error carrying the original as `cause`.
 */
export function createPistonClient(options: PistonClientOptions): PistonClient {
  const http: AxiosInstance = axios.create({
    baseURL: pistonApiRoot(options.baseUrl),
    timeout: options.timeoutMs,
    headers: { Accept: 'application/json', ...options.headers },
    // Keep-alive with a free-socket timeout below Node's default server keepAliveTimeout (5 s),
    // so the gateway never writes a request into a socket Piston is closing.
    httpAgent: new HttpAgent({ keepAlive: true, freeSocketTimeout: 4000 }),
    httpsAgent: new HttpsAgent({ keepAlive: true, freeSocketTimeout: 4000 }),
    // Piston never redirects; 0 also keeps axios off its follow-redirects transport.
    maxRedirects: 0,
    maxContentLength: MAX_RESPONSE_BYTES,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
  });

  async function call(
    method: 'get' | 'post',
    path: string,
    config: { data?: unknown; timeoutMs?: number; signal?: AbortSignal },
  ): Promise<AxiosResponse<string>> {
    try {
      return await http.request<string>({
        method,
        url: path,
        data: config.data,
        timeout: config.timeoutMs ?? options.timeoutMs,
        signal: config.signal,
      });
    } catch (error) {
      throw translateNetworkError(error, `${method.toUpperCase()} ${path}`);
    }
  }

  return {
    async listRuntimes(signal) {
      const response = await call('get', '/runtimes', { signal });
      if (response.status !== 200) throw unexpectedStatus('GET /runtimes', response);
      return parseBody(PistonRuntimeListSchema, response, 'GET /runtimes');
    },

    async execute(request, { timeoutMs, signal }) {
      const response = await call('post', '/execute', { data: request, timeoutMs, signal });
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
  };
}

function translateNetworkError(error: unknown, what: string): Error {
  if (axios.isCancel(error)) return new PistonCallAbortedError(`${what} aborted by the caller`);
  const code = axios.isAxiosError(error) ? error.code : undefined;
  if (code && TIMEOUT_CODES.has(code)) {
    return new UpstreamTimeoutError('The execution engine did not answer in time', {
      cause: error,
    });
  }
  if (code && UNAVAILABLE_CODES.has(code)) {
    return new UpstreamUnavailableError('The execution engine is unavailable, try again shortly', {
      cause: error,
      retryAfterSeconds: UPSTREAM_RETRY_AFTER_SECONDS,
    });
  }
  return new UpstreamError('The execution engine failed to answer', { cause: error });
}

function pistonErrorMessage(response: AxiosResponse<string>): string | undefined {
  const parsed = PistonErrorBodySchema.safeParse(safeJson(response.data));
  return parsed.success ? parsed.data.message : undefined;
}

function unexpectedStatus(what: string, response: AxiosResponse<string>): UpstreamError {
  const message = pistonErrorMessage(response);
  const summary = response.status >= 500 ? 'failed' : 'rejected the request';
  return new UpstreamError(`The execution engine ${summary}`, {
    cause: { what, status: response.status, message },
  });
}

function parseBody<T extends z.ZodType>(
  schema: T,
  response: AxiosResponse<string>,
  what: string,
): z.infer<T> {
  const parsed = schema.safeParse(safeJson(response.data));
  if (!parsed.success) {
    throw new UpstreamError('The execution engine sent an unexpected answer', {
      cause: { what, status: response.status, issues: parsed.error.issues.slice(0, 5) },
    });
  }
  return parsed.data;
}

function safeJson(text: unknown): unknown {
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
