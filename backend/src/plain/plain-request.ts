import type { Request } from 'express';
import { BadRequestError } from '../errors.js';
import type { PlainProgram } from './plain-program.js';

/** The query parameters `POST /api/run/:language` reads. */
const QUERY_KEYS: ReadonlySet<string> = new Set(['stdin', 'args', 'timeout']);

/**
 * The body `POST /api/execute` would have received for a plain-text run: the language and
 * version from the path, the program from the body, stdin and args from the body's parts or the
 * query (`?stdin=...&args=a&args=b&timeout=2000`), never from both. The result is validated with
 * the same schema as a JSON body, so every limit and message is the same.
 */
export function plainExecuteBody(req: Request, program: PlainProgram): Record<string, unknown> {
  const query = queryOf(req.originalUrl);
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
 * The query's parameters, every one of them: Express's parser (Node's querystring) stops at
 * 1,000 pieces, so `&` runs in front would hide the parameters behind them. The URL is bounded
 * by the server's header limit, and URLSearchParams is linear in it.
 */
function queryOf(url: string): Record<string, string[]> {
  const at = url.indexOf('?');
  const query: Record<string, string[]> = {};
  if (at === -1) return query;
  for (const [key, value] of new URLSearchParams(url.slice(at + 1))) {
    if (!QUERY_KEYS.has(key)) {
      throw invalid(key.slice(0, 64), 'is not a recognised query parameter (stdin, args, timeout)');
    }
    (query[key] ??= []).push(value);
  }
  return query;
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
