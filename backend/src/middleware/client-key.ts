import { isIP } from 'node:net';
import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import type { Logger } from 'pino';
import { getApiKey } from './api-key.js';

/** Distinct client addresses remembered before the memo starts over. */
const MAX_MEMO_ENTRIES = 10_000;

export interface ClientKeyOptions {
  trustProxy: number;
  logger: Pick<Logger, 'warn' | 'error'>;
}

/**
 * Computes the rate-limit key for the client once per request: its API key's name when it sent
 * one (see apiKeyAuth), else its IP (honouring only the configured proxy hops; a port the proxy
 * appended is dropped, and a value that is no address counts as the proxy's), with IPv4-mapped
 * addresses as plain IPv4 and IPv6 grouped by /56 as express-rate-limit's ipKeyGenerator does. Keys are memoised per address, because parsing IPv6
 * on every request was the costliest part of rate limiting in the benchmark.
 *
 * @example app.use(clientKey({ trustProxy: 1, logger })); rateLimit({ keyGenerator: (_q, res) => getClientKey(res) });
 */
export function clientKey(options: ClientKeyOptions): RequestHandler {
  const memo = new Map<string, string>();
  let warnedAboutProxy = false;
  let warnedAboutAddress = false;
  return function clientKeyMiddleware(req, res, next) {
    if (!warnedAboutProxy) warnedAboutProxy = warnAboutProxy(req, options);
    const apiKey = getApiKey(res);
    if (apiKey) {
      // Callers with a key are counted per key, wherever they connect from.
      res.locals.clientKey = `key:${apiKey.name}`;
      next();
      return;
    }
    const socketAddress = req.socket.remoteAddress ?? 'unknown';
    const ip = getClientIp(req, res) ?? socketAddress;
    let key = memo.get(ip);
    if (key === undefined) {
      const address = clientAddress(ip);
      if (address === undefined) {
        if (!warnedAboutAddress) {
          warnedAboutAddress = true;
          options.logger.warn(
            { forwardedFor: ip.slice(0, 64) },
            "the client address a trusted proxy sent is not an IP address; such requests are counted under the proxy's own address",
          );
        }
        // Not remembered under the value: the fallback depends on the connection.
        key = memo.get(socketAddress) ?? remember(socketAddress, socketAddress);
      } else {
        key = remember(ip, address);
      }
    }
    res.locals.clientKey = key;
    next();
  };

  function remember(value: string, address: string): string {
    if (memo.size >= MAX_MEMO_ENTRIES) memo.clear();
    const key = ipKeyGenerator(address);
    memo.set(value, key);
    return key;
  }
}

/**
 * Logs, and returns true, when a request shows TRUST_PROXY does not match the proxies in front:
 * X-Forwarded-For with TRUST_PROXY=0 (every client behind the proxy shares one limit), or fewer
 * forwarded addresses than TRUST_PROXY hops (the proxies are not all there, so an address the
 * client wrote itself is trusted: clients choose their identity). Called until it has warned once.
 */
function warnAboutProxy(req: Request, options: ClientKeyOptions): boolean {
  const forwarded = req.get('x-forwarded-for');
  const { trustProxy, logger } = options;
  if (trustProxy === 0) {
    if (!forwarded) return false;
    logger.warn(
      'X-Forwarded-For received but TRUST_PROXY=0: every client behind that proxy shares one rate limit; set TRUST_PROXY to the number of proxies in front of the gateway',
    );
    return true;
  }
  const addresses = forwarded ? countEntries(forwarded, trustProxy) : 0;
  if (addresses >= trustProxy) return false;
  logger.error(
    { trustProxy, forwardedAddresses: addresses },
    `TRUST_PROXY=${trustProxy} but a request arrived with ${addresses} X-Forwarded-For address(es): the gateway is reachable without passing through ${trustProxy} proxies, so a client that sends its own X-Forwarded-For chooses the address its rate limits are counted under. Set TRUST_PROXY to the number of proxies every request passes through (0 for none) and let clients reach the gateway only through them. Logged once.`,
  );
  return true;
}

/** The comma-separated entries in a header value, counted up to `max` (a client sets the rest). */
function countEntries(value: string, max: number): number {
  let count = 1;
  for (let at = value.indexOf(','); at !== -1 && count < max; at = value.indexOf(',', at + 1)) {
    count += 1;
  }
  return count;
}

/**
 * The IP address in what the trusted proxy hop named as the client, or undefined when it is not
 * one. Some proxies (Azure Application Gateway, IIS ARR) append `address:port`; with the port
 * kept, every new connection of one client would have a limit of its own.
 */
export function clientAddress(value: string): string | undefined {
  if (isIP(value)) return value;
  const withPort = /^(?:(\d{1,3}(?:\.\d{1,3}){3})|\[([0-9A-Fa-f:.]+)\]):\d{1,5}$/.exec(value);
  const address = withPort?.[1] ?? withPort?.[2] ?? /^\[([0-9A-Fa-f:.]+)\]$/.exec(value)?.[1];
  return address !== undefined && isIP(address) ? address : undefined;
}

/**
 * The client's address as Express derives it from TRUST_PROXY (`req.ip`), computed once per
 * request: proxy-addr walks the forwarded chain on every read of `req.ip`, and both the rate-limit
 * key and the access log need it.
 */
export function getClientIp(req: Request, res: Response): string | undefined {
  const known: unknown = res.locals.clientIp;
  if (typeof known === 'string') return known;
  const ip = req.ip;
  res.locals.clientIp = ip;
  return ip;
}

/** The key clientKey() computed for this request. */
export function getClientKey(res: Response): string {
  const key: unknown = res.locals.clientKey;
  return typeof key === 'string' ? key : 'unknown';
}
