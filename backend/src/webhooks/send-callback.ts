import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { CallbackHeaders } from './callback-signer.js';
import {
  CallbackUrlRefused,
  resolveCallbackTarget,
  systemResolver,
  type CallbackTarget,
  type ResolvedAddress,
  type Resolver,
} from './resolve-target.js';
import { parseRetryAfter } from './retry-schedule.js';

/** How one attempt ended, as the metrics label it. */
export const ATTEMPT_RESULTS = [
  '2xx',
  '3xx',
  '4xx',
  '429',
  '5xx',
  'network',
  'timeout',
  'refused',
] as const;
export type AttemptResultLabel = (typeof ATTEMPT_RESULTS)[number];

/** One attempt's outcome: delivered, worth retrying, or final. */
export interface AttemptResult {
  kind: 'delivered' | 'retry' | 'final';
  /** The receiver's HTTP status; null when there was none (network, timeout, refused URL). */
  status: number | null;
  result: AttemptResultLabel;
  /** What the receiver asked with Retry-After (429 and 5xx only). */
  retryAfterMs?: number;
  /** For the log: why it failed, never sent to a client. */
  reason?: string;
}

/** One callback request: a PUT of `body` (JSON) with the signer's headers. */
export interface CallbackRequest {
  url: string;
  body: string;
  headers: CallbackHeaders;
}

export interface CallbackSenderOptions {
  /** WEBHOOK_ALLOW_PRIVATE: lifts the address rule (private deployments, tests). */
  allowPrivate: boolean;
  resolve?: Resolver;
  /** Whole attempt, connecting included. */
  timeoutMs?: number;
  /** Response body bytes read at most; the rest is not waited for. */
  maxResponseBytes?: number;
  now?: () => number;
}

/** Sends one attempt; never rejects. */
export type CallbackSender = (request: CallbackRequest) => Promise<AttemptResult>;

const TIMEOUT_MS = 5_000;
const MAX_RESPONSE_BYTES = 16 * 1024;
const USER_AGENT = 'code-execution-gateway-webhooks/1';

/** A `lookup` that answers only the address already checked (no second resolution to race). */
function pinnedLookup(address: ResolvedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    // net.connect asks for every address when it tries several families (autoSelectFamily).
    if (options.all) callback(null, [address]);
    else callback(null, address.address, address.family);
  };
}

function classify(response: IncomingMessage, now: number): AttemptResult {
  const status = response.statusCode ?? 0;
  if (status >= 200 && status < 300) return { kind: 'delivered', status, result: '2xx' };
  if (status === 429 || status >= 500) {
    const retryAfter = response.headers['retry-after'];
    const retryAfterMs = parseRetryAfter(retryAfter, now);
    return {
      kind: 'retry',
      status,
      result: status === 429 ? '429' : '5xx',
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
  // Redirects are not followed (they could point anywhere), and a 4xx will not change by itself.
  return { kind: 'final', status, result: status >= 400 ? '4xx' : '3xx' };
}

/** Reads at most `cap` bytes of the body, then drops the connection; nothing is kept. */
function drain(response: IncomingMessage, cap: number): void {
  let read = 0;
  response.on('data', (chunk: Buffer) => {
    read += chunk.length;
    if (read > cap) response.destroy();
  });
  response.on('error', () => undefined);
}

function put(
  target: CallbackTarget,
  request: CallbackRequest,
  options: Required<Omit<CallbackSenderOptions, 'resolve' | 'allowPrivate'>>,
): Promise<AttemptResult> {
  const { url } = target;
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const req = client.request({
      method: 'PUT',
      protocol: url.protocol,
      // The name, so Host and TLS (SNI, certificate check) are the URL's; the address is pinned.
      hostname: target.host,
      port: url.port === '' ? undefined : Number(url.port),
      path: `${url.pathname}${url.search}`,
      lookup: pinnedLookup(target.address),
      agent: false,
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(request.body),
        'user-agent': USER_AGENT,
        ...request.headers,
      },
    });
    const timer = setTimeout(() => {
      req.destroy();
      resolve({ kind: 'retry', status: null, result: 'timeout', reason: 'no answer in time' });
    }, options.timeoutMs);
    req.on('response', (response) => {
      clearTimeout(timer);
      drain(response, options.maxResponseBytes);
      // The rest of a slow body may not hold the socket past the attempt's time.
      setTimeout(() => response.destroy(), options.timeoutMs).unref();
      response.on('close', () => req.destroy());
      resolve(classify(response, options.now()));
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({
        kind: 'retry',
        status: null,
        result: 'network',
        reason: error.code ?? error.message,
      });
    });
    req.end(request.body);
  });
}

/** Rejects with ETIMEDOUT when `promise` has not settled within `ms` (a resolver that hangs). */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(Object.assign(new Error('name resolution timed out'), { code: 'ETIMEDOUT' }));
    }, ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Builds the function that makes one callback attempt: resolves and checks the address (SSRF
 * rules), PUTs the body to that address with a 5 s limit, follows no redirect and reads at most
 * a small part of the answer. 2xx is delivered; network errors, timeouts, 429 and 5xx are worth
 * retrying; a refused URL, a redirect or another 4xx is final.
 */
export function createCallbackSender(options: CallbackSenderOptions): CallbackSender {
  const resolve = options.resolve ?? systemResolver;
  const settings = {
    timeoutMs: options.timeoutMs ?? TIMEOUT_MS,
    maxResponseBytes: options.maxResponseBytes ?? MAX_RESPONSE_BYTES,
    now: options.now ?? Date.now,
  };
  return async function sendCallback(request) {
    let target: CallbackTarget;
    try {
      target = await withDeadline(
        resolveCallbackTarget(request.url, { allowPrivate: options.allowPrivate, resolve }),
        settings.timeoutMs,
      );
    } catch (error) {
      if (error instanceof CallbackUrlRefused) {
        return { kind: 'final', status: null, result: 'refused', reason: error.message };
      }
      const code = (error as NodeJS.ErrnoException).code;
      return { kind: 'retry', status: null, result: 'network', reason: code ?? 'DNS failure' };
    }
    return put(target, request, settings);
  };
}
