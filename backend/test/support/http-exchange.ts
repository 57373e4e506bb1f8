import { request as httpRequest, type Agent, type IncomingHttpHeaders } from 'node:http';

export interface Exchange {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Whether the request went over a kept-alive connection of `agent`. */
  reused: boolean;
}

export interface ExchangeOptions {
  method?: 'GET' | 'POST';
  /** Default `/api/execute`. */
  path?: string;
  headers?: Record<string, string | number>;
  /** Sent with a Content-Length; an array is written chunk by chunk (chunked encoding). */
  body?: string | string[];
  agent?: Agent;
}

/**
 * One HTTP request to a real server on 127.0.0.1 with Node's own client, for what supertest
 * cannot do: chunked bodies, kept-alive connections, a declared length larger than the body.
 * A server that answers and stops reading early (a 413) still yields its answer.
 */
export function exchange(port: number, options: ExchangeOptions = {}): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'POST',
        path: options.path ?? '/api/execute',
        headers: options.headers,
        ...(options.agent ? { agent: options.agent } : {}),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            reused: req.reusedSocket,
          });
        });
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') reject(error);
    });
    if (!Array.isArray(options.body)) {
      req.end(options.body);
      return;
    }
    for (const chunk of options.body) req.write(chunk);
    req.end();
  });
}

/** POSTs a JSON value to `POST /api/execute`. */
export function postJson(port: number, value: unknown, headers: Record<string, string> = {}) {
  return exchange(port, {
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(value),
  });
}
