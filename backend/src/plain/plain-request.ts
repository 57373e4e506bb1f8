import { isUtf8 } from 'node:buffer';
import type { Request } from 'express';
import { BadRequestError } from '../errors.js';
import type { PlainProgram } from './plain-program.js';

/** The query parameters `POST /api/run/:language` reads. */
const QUERY_KEYS: ReadonlySet<string> = new Set(['stdin', 'args', 'timeout']);

const PERCENT = 0x25;
const PLUS = 0x2b;
const SPACE = 0x20;

/**
 * The body `POST /api/execute` would have received for a plain-text run: the language and
 * version from the path, the program from the body, stdin and args from the body's parts or the
 * query (`?stdin=...&args=a&args=b&timeout=2000`), never from both. The result is validated with
 * the same schema as a JSON body, so every limit and message is the same.
 */
export function plainExecuteBody(req: Request, program: PlainProgram): Record<string, unknown> {
  const query = plainQuery(req.originalUrl);
  const stdin = single(query, 'stdin');
  if (stdin !== undefined && program.stdin !== undefined) {
    throw invalid('stdin', 'send stdin in the query or as a part, not both');
  }
  const queryArgs = query.args;
  if (queryArgs !== undefined && program.args !== undefined) {
    throw invalid('args', 'send args in the query or as parts, not both');
  }
  const timeout = single(query, 'timeout');
  const params = req.params as Record<string, string | undefined>;
  return {
    language: params.language,
    ...(params.version !== undefined ? { version: params.version } : {}),
    code: program.code,
    ...(stdin !== undefined || program.stdin !== undefined
      ? { stdin: stdin ?? program.stdin }
      : {}),
    ...(queryArgs !== undefined || program.args !== undefined
      ? { args: queryArgs ?? program.args }
      : {}),
    ...(timeout !== undefined ? { timeout: milliseconds(timeout) } : {}),
  };
}

/**
 * The query's parameters, every one of them, decoded as a form is (WHATWG URL's
 * application/x-www-form-urlencoded parser: `&`-separated, `+` a space, `%XX` a byte, a `%`
 * without two hex digits itself) except that the bytes must be UTF-8: a value URLSearchParams
 * would have turned into U+FFFD is a 400, as bad bytes in the body are. Express's parser (Node's
 * querystring) stops at 1,000 pieces, so `&` runs in front would hide the parameters behind
 * them. The URL is ASCII (Node refuses other bytes in it) and bounded by the server's header
 * limit, and this is one pass over it.
 */
export function plainQuery(url: string): Record<string, string[]> {
  const at = url.indexOf('?');
  const query: Record<string, string[]> = {};
  if (at === -1) return query;
  for (const pair of url.slice(at + 1).split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const key = formDecoded(equals === -1 ? pair : pair.slice(0, equals), 'query');
    if (!QUERY_KEYS.has(key)) {
      throw invalid(key.slice(0, 64), 'is not a recognised query parameter (stdin, args, timeout)');
    }
    const values = (query[key] ??= []);
    const field = key === 'args' ? `args.${values.length}` : key;
    values.push(formDecoded(equals === -1 ? '' : pair.slice(equals + 1), field));
  }
  return query;
}

/** A form-encoded name or value as text, or a 400 naming `field` when its bytes are not UTF-8. */
function formDecoded(raw: string, field: string): string {
  if (!raw.includes('%') && !raw.includes('+')) return raw;
  const bytes = Buffer.allocUnsafe(raw.length);
  let length = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === PERCENT && isHex(raw.charCodeAt(i + 1)) && isHex(raw.charCodeAt(i + 2))) {
      bytes[length++] = Number.parseInt(raw.slice(i + 1, i + 3), 16);
      i += 2;
    } else {
      bytes[length++] = c === PLUS ? SPACE : c;
    }
  }
  const decoded = bytes.subarray(0, length);
  if (!isUtf8(decoded)) throw invalid(field, 'must be percent-encoded UTF-8 text');
  return decoded.toString('utf8');
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function single(query: Record<string, string[]>, key: string): string | undefined {
  const values = query[key];
  if (values && values.length > 1) throw invalid(key, 'must be given once');
  return values?.[0];
}

/** A whole number of milliseconds; the schema then checks its range as for JSON bodies. */
function milliseconds(value: string): number {
  if (!/^\d{1,16}$/.test(value)) throw invalid('timeout', 'must be a whole number of milliseconds');
  return Number(value);
}

function invalid(field: string, message: string): BadRequestError {
  return new BadRequestError('invalid_request', 'The request is invalid', {
    details: [{ field, message }],
  });
}
