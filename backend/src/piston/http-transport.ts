import http from 'node:http';
import https from 'node:https';
import axios, { AxiosError } from 'axios';

/** One HTTP exchange with Piston, body as text. */
export interface RawResponse {
  status: number;
  text: string;
  /** Whether it went over a pooled keep-alive connection rather than a new one. */
  reusedSocket?: boolean;
}

export interface HttpTransportOptions {
  /** Piston's API root, e.g. `http://piston:2000/api/v2`. */
  apiRoot: string;
  headers: Record<string, string>;
  maxResponseBytes: number;
  /** Largest request body sent; a larger one fails before anything is sent (default: no limit). */
  maxRequestBytes?: number;
  /** Idle keep-alive sockets are closed after this long; keep it below Piston's 5 s. */
  idleSocketTimeoutMs?: number;
}

/** A minimal keep-alive HTTP client for Piston's JSON API. */
export interface HttpTransport {
  /** `path` is relative to the API root (`/runtimes`), or a full URL on the same server. */
  request(
    method: 'GET' | 'POST',
    path: string,
    options: { body?: string; timeoutMs: number; signal?: AbortSignal },
  ): Promise<RawResponse>;
  close(): void;
}

/** Errors carry Node's network codes; ours are these three. */
export const RESPONSE_TOO_LARGE = 'ERR_RESPONSE_TOO_LARGE';
export const REQUEST_TOO_LARGE = 'ERR_REQUEST_TOO_LARGE';
export const TIMED_OUT = 'ETIMEDOUT';

/** A failed exchange: `code` is a Node network code or one of ours, `cause` axios's error. */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    message: string,
    readonly code: string | undefined,
    /** Whether the request went out on a pooled keep-alive socket (Node's `reusedSocket`). */
    readonly reusedSocket: boolean,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Creates the transport: one axios instance over a keep-alive agent, as the design card asks. At
 * Piston's own speeds (tens to hundreds of ms per job) the client's cost does not show;
 * docs/benchmarks.md has the numbers. Redirects are never followed and no proxy from the
 * environment is used: the gateway talks to the Piston it was configured with, and nothing else.
 */
export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  const { client, agents } = createPistonAxios(options);
  // After close(), a reset is the pool being torn down, not Piston closing an idle socket.
  let closed = false;

  async function once(
    method: 'GET' | 'POST',
    path: string,
    config: { body?: string; timeoutMs: number; signal?: AbortSignal },
  ): Promise<RawResponse> {
    try {
      const response = await client.request<string>({
        method,
        // Relative to baseURL; a full URL (Piston's root, for its version) is taken as it is.
        url: path,
        // Piston sends nothing until the job is done, so this bounds the whole call.
        timeout: config.timeoutMs,
        ...(config.body === undefined ? {} : { data: config.body }),
        ...(config.signal ? { signal: config.signal } : {}),
      });
      const request = response.request as { reusedSocket?: unknown } | undefined;
      return {
        status: response.status,
        text: response.data,
        reusedSocket: request?.reusedSocket === true,
      };
    } catch (error) {
      throw toTransportError(error);
    }
  }

  return {
    async request(method, path, config) {
      try {
        return await once(method, path, config);
      } catch (error) {
        // A reset on a pooled socket almost always means Piston closed it while it sat idle, so
        // the request never reached Piston: it is sent once more, on a new connection.
        // https://nodejs.org/api/http.html#requestreusedsocket
        const { code, reusedSocket } = error as TransportError;
        if (reusedSocket && code === 'ECONNRESET' && !config.signal?.aborted && !closed) {
          return once(method, path, config);
        }
        throw error;
      }
    },
    close() {
      closed = true;
      for (const agent of agents) agent.destroy();
    },
  };
}

/** The TCP keep-alive delay axios's http adapter sets on every request's socket. */
const AXIOS_KEEP_ALIVE_PROBE_MS = 60_000;

/** The axios instance for Piston over keep-alive agents, with every setting the transport needs. */
function createPistonAxios(options: HttpTransportOptions) {
  const agentOptions = {
    keepAlive: true,
    // axios turns on TCP keep-alive probes at 60 s on each request's socket, and the agent sets
    // its own delay whenever a socket returns to the pool. With one value for both, Node makes
    // the system calls once per connection instead of twice per request.
    keepAliveMsecs: AXIOS_KEEP_ALIVE_PROBE_MS,
    // Applies to idle pooled sockets (an active request sets its own timeout).
    timeout: options.idleSocketTimeoutMs ?? 4_000,
    // The most recently used socket is the least likely to have been closed by Piston meanwhile.
    scheduling: 'lifo' as const,
  };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);
  const root = new URL(options.apiRoot);
  const client = axios.create({
    baseURL: `${root.origin}${root.pathname.replace(/\/+$/, '')}`,
    httpAgent,
    httpsAgent,
    headers: options.headers,
    maxRedirects: 0,
    proxy: false,
    // Every status is an answer; the Piston client decides what each one means.
    validateStatus: () => true,
    responseType: 'text',
    responseEncoding: 'utf8',
    // The Piston client serializes and parses (with zod) itself. axios's defaults would parse
    // each response, and JSON.parse then JSON.stringify every request body it is handed as a
    // string: measured, a tenth of axios's own CPU per call.
    transformRequest: [(data: unknown) => data],
    transformResponse: [(data: unknown) => data],
    maxContentLength: options.maxResponseBytes,
    maxBodyLength: options.maxRequestBytes ?? -1,
    // Timeouts as ETIMEDOUT rather than ECONNABORTED, which a reset also uses.
    transitional: { clarifyTimeoutError: true },
  });
  // Every body sent is JSON (POST /execute); set once here rather than merged into each call.
  client.defaults.headers.post['content-type'] = 'application/json';
  return { client, agents: [httpAgent, httpsAgent] };
}

/** Translates axios's error into the codes the Piston client maps (Node's, plus ours). */
function toTransportError(error: unknown): TransportError {
  if (!(error instanceof AxiosError)) {
    return new TransportError('The call to Piston failed', undefined, false, { cause: error });
  }
  // With maxRedirects 0, axios uses Node's own http.request: `request` is the ClientRequest.
  const request = error.request as { reusedSocket?: unknown } | undefined;
  const reused = request?.reusedSocket === true;
  const code = ourCode(error) ?? networkCode(error);
  return new TransportError(error.message, code, reused, { cause: error });
}

/** The code of our own for the failures axios reports in its own terms, if it is one of them. */
function ourCode(error: AxiosError): string | undefined {
  const { code, message } = error;
  if (code === AxiosError.ETIMEDOUT || code === AxiosError.ECONNABORTED) return TIMED_OUT;
  if (code === AxiosError.ERR_CANCELED) return 'ABORT_ERR';
  // axios gives these two limits generic codes; only the message tells them apart.
  if (code === AxiosError.ERR_BAD_RESPONSE && message.startsWith('maxContentLength')) {
    return RESPONSE_TOO_LARGE;
  }
  if (code === AxiosError.ERR_BAD_REQUEST && message.includes('maxBodyLength')) {
    return REQUEST_TOO_LARGE;
  }
  return undefined;
}

/** Node's code for a network error, looking through AggregateError (dual-stack connects). */
function networkCode(error: AxiosError): string | undefined {
  const cause: unknown = error.cause;
  if (cause instanceof AggregateError) {
    const first = cause.errors[0] as { code?: unknown } | undefined;
    if (typeof first?.code === 'string') return first.code;
  }
  return error.code;
}
