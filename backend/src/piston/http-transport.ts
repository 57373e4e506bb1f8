import http from 'node:http';
import https from 'node:https';

/** One HTTP exchange with Piston, body as text. */
export interface RawResponse {
  status: number;
  text: string;
}

export interface HttpTransportOptions {
  /** Piston's API root, e.g. `http://piston:2000/api/v2`. */
  apiRoot: string;
  headers: Record<string, string>;
  maxResponseBytes: number;
  /** Idle keep-alive sockets are closed after this long; keep it below Piston's 5 s. */
  idleSocketTimeoutMs?: number;
}

/** A minimal keep-alive HTTP client for Piston's JSON API. */
export interface HttpTransport {
  request(
    method: 'GET' | 'POST',
    path: string,
    options: { body?: string; timeoutMs: number; signal?: AbortSignal },
  ): Promise<RawResponse>;
  close(): void;
}

const abortedError = () =>
  Object.assign(new Error('The call was aborted'), { name: 'AbortError', code: 'ABORT_ERR' });

/** Errors carry Node's network codes; ours are these two. */
export const RESPONSE_TOO_LARGE = 'ERR_RESPONSE_TOO_LARGE';
export const TIMED_OUT = 'ETIMEDOUT';

/**
 * Creates the transport over Node's own http(s) client with a keep-alive agent. Measured on the
 * project's 2-core machine, this added the least latency and CPU per call of the clients tried
 * (axios, undici, node:http; docs/benchmarks.md). Redirects are never followed.
 */
export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  const root = new URL(options.apiRoot);
  const client = root.protocol === 'https:' ? https : http;
  const agent = new client.Agent({
    keepAlive: true,
    // Applies to idle pooled sockets (an active request sets its own timeout).
    timeout: options.idleSocketTimeoutMs ?? 4_000,
    scheduling: 'lifo',
  });
  const basePath = root.pathname.replace(/\/+$/, '');

  function once(
    method: 'GET' | 'POST',
    path: string,
    config: { body?: string; timeoutMs: number; signal?: AbortSignal },
  ): Promise<RawResponse> {
    const { signal } = config;
    if (signal?.aborted) return Promise.reject(abortedError());
    // Not http.request's `signal` option: it watches the request with stream.finished(), which
    // cost about 2.5% of the gateway's CPU per execution; one listener does the same job.
    let req: http.ClientRequest | undefined;
    const onAbort = () => req?.destroy(abortedError());
    signal?.addEventListener('abort', onAbort, { once: true });
    const exchange = new Promise<RawResponse>((resolve, reject) => {
      const headers: Record<string, string | number> = { ...options.headers };
      if (config.body !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(config.body);
      }
      const request = client.request(
        {
          protocol: root.protocol,
          hostname: root.hostname,
          port: root.port,
          method,
          path: `${basePath}${path}`,
          headers,
          agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size <= options.maxResponseBytes) {
              chunks.push(chunk);
              return;
            }
            res.removeAllListeners('data');
            res.removeAllListeners('end');
            res.on('error', () => undefined);
            res.destroy();
            reject(Object.assign(new Error('response too large'), { code: RESPONSE_TOO_LARGE }));
          });
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
          });
          res.on('error', reject);
        },
      );
      req = request;
      // Piston sends nothing until the job is done, so socket inactivity bounds the whole call.
      request.setTimeout(config.timeoutMs, () => {
        request.destroy(
          Object.assign(new Error('Piston did not answer in time'), { code: TIMED_OUT }),
        );
      });
      request.on('error', (error: NodeJS.ErrnoException) => {
        // A reset on a pooled socket almost always means Piston closed it while it sat idle, so the
        // request never reached Piston: request() sends it once more on a new connection.
        reject(Object.assign(error, { reusedSocket: request.reusedSocket }));
      });
      request.end(config.body);
    });
    return signal ? exchange.finally(() => signal.removeEventListener('abort', onAbort)) : exchange;
  }

  return {
    async request(method, path, config) {
      try {
        return await once(method, path, config);
      } catch (error) {
        const { code, reusedSocket } = error as { code?: string; reusedSocket?: boolean };
        if (reusedSocket && code === 'ECONNRESET' && !config.signal?.aborted) {
          return once(method, path, config);
        }
        throw error;
      }
    },
    close() {
      agent.destroy();
    },
  };
}
