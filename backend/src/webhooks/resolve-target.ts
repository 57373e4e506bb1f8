import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { forbiddenAddressClass, type AddressClass } from './address-rules.js';

/** One address a name resolves to, as `dns.lookup({ all: true })` gives it. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to all its addresses (injectable, so tests can point a name anywhere). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** The system resolver (getaddrinfo, as every other client on the host sees names). */
export const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true });

/** Where one attempt will connect: the URL as parsed and the address that was checked. */
export interface CallbackTarget {
  url: URL;
  /** The host name without IPv6 brackets. */
  host: string;
  address: ResolvedAddress;
}

/** Why a callback URL is not sent to at all (a permanent failure: retrying cannot change it). */
export class CallbackUrlRefused extends Error {
  constructor(
    message: string,
    readonly addressClass?: AddressClass,
  ) {
    super(message);
    this.name = 'CallbackUrlRefused';
  }
}

/** Parses a callback URL and refuses what is not http(s) or carries no host. */
export function parseCallbackUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CallbackUrlRefused('not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CallbackUrlRefused(`scheme ${url.protocol} is not http or https`);
  }
  if (url.hostname === '') throw new CallbackUrlRefused('no host');
  return url;
}

function refuseForbidden(address: string, allowPrivate: boolean): void {
  if (allowPrivate) return;
  const addressClass = forbiddenAddressClass(address);
  if (addressClass !== undefined) {
    throw new CallbackUrlRefused(
      `the host resolves to a ${addressClass.replace('_', '-')} address`,
      addressClass,
    );
  }
}

/**
 * Resolves a callback URL to the one address an attempt connects to, refusing loopback, private,
 * link-local, unique-local, metadata and reserved addresses unless `allowPrivate`. Every address
 * the name has is checked (one bad address refuses the URL), and the caller connects to the
 * checked one, so a name that answers differently the next time (DNS rebinding) cannot slip
 * through. WHATWG URL parsing already turns `2130706433`, `0177.0.0.1` and `0x7f.1` into
 * `127.0.0.1`. DNS failures reject with the resolver's error (retryable, like any network error).
 */
export async function resolveCallbackTarget(
  raw: string,
  options: { allowPrivate: boolean; resolve: Resolver },
): Promise<CallbackTarget> {
  const url = parseCallbackUrl(raw);
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const family = isIP(host);
  if (family !== 0) {
    refuseForbidden(host, options.allowPrivate);
    return { url, host, address: { address: host, family } };
  }
  const addresses = await options.resolve(host);
  const [first] = addresses;
  if (first === undefined) throw new Error(`no address for ${host}`);
  for (const { address } of addresses) refuseForbidden(address, options.allowPrivate);
  return { url, host, address: first };
}
