import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import { pistonApiRoot } from './piston-client.js';
import { safeJson } from '../safe-json.js';

/** Upper bound on an answer from Piston's package API (its index is a few tens of kB). */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/** One exchange with Piston's package API: any HTTP status, or why there was none. */
export type InstallerResponse =
  { ok: true; status: number; json: unknown } | { ok: false; message: string; timedOut: boolean };

/** The runtime installer's calls to Piston (`GET`/`POST /api/v2/packages`). */
export interface InstallerHttp {
  request(
    method: 'GET' | 'POST',
    path: string,
    options: { body?: unknown; timeoutMs: number },
  ): Promise<InstallerResponse>;
  /** Frees the connections. */
  close(): void;
}

/** Piston's address (with or without `/api/v2`) and the headers every call carries. */
export interface InstallerHttpOptions {
  pistonUrl: string;
  headers?: Record<string, string> | undefined;
}

/**
 * Creates the installer's HTTP client on axios, the gateway's Piston client library. The only
 * bound on a call is its own `timeoutMs`, measured with the global timers: an install answers
 * only when the package is unpacked, after minutes of silence, which Node's fetch cut off at
 * 300 s (its headers timeout). One connection per call (no keep-alive): calls are minutes
 * apart, longer than Piston keeps an idle connection, and the agents set no socket timeout.
 */
export function createInstallerHttp(options: InstallerHttpOptions): InstallerHttp {
  const httpAgent = new http.Agent({ keepAlive: false });
  const httpsAgent = new https.Agent({ keepAlive: false });
  const client: AxiosInstance = axios.create({
    baseURL: pistonApiRoot(options.pistonUrl),
    headers: { accept: 'application/json', ...options.headers },
    httpAgent,
    httpsAgent,
    proxy: false,
    maxRedirects: 0,
    responseType: 'text',
    maxContentLength: MAX_ANSWER_BYTES,
    validateStatus: () => true,
  });

  return {
    async request(method, path, { body, timeoutMs }) {
      const controller = new AbortController();
      // The only abort is the deadline's.
      const timer = setTimeout(() => controller.abort(), timeoutMs);
      try {
        const response = await client.request<string>({
          method,
          url: path,
          signal: controller.signal,
          ...(body === undefined ? {} : { data: body }),
        });
        return { ok: true, status: response.status, json: safeJson(response.data) };
      } catch (error) {
        const timedOut = controller.signal.aborted;
        const message = timedOut
          ? `no answer within ${formatDuration(timeoutMs)}`
          : describe(error);
        return { ok: false, message, timedOut };
      } finally {
        clearTimeout(timer);
      }
    },
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/** `950 ms` → `1.0 s`, `61000` → `1 min 1 s`, `900000` → `15 min`. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const total = Math.round(ms / 1000);
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
}

/** A network error in the operator's terms: Node's message (`connect ECONNREFUSED ...`), or its code. */
function describe(error: unknown): string {
  const { message, code } = error as { message?: unknown; code?: unknown };
  if (typeof message === 'string' && message !== '') return message;
  return typeof code === 'string' ? code : 'request failed';
}
