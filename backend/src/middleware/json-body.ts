import type { IncomingMessage } from 'node:http';
import { finished } from 'node:stream';
import express, { type NextFunction, type RequestHandler, type Response } from 'express';
import { isJsonRequest } from './require-json.js';

/** The content types nearly every client sends; anything else goes through body-parser. */
const PLAIN_JSON_TYPES = new Set(['application/json', 'application/json; charset=utf-8']);

const JSON_TEXT = 'jsonText';

/**
 * The body's exact text, when jsonBody read it itself (plain UTF-8 JSON; not for compressed
 * bodies or other charsets). Identical texts parse to identical bodies.
 */
export function getJsonText(res: Response): string | undefined {
  const text: unknown = res.locals[JSON_TEXT];
  return typeof text === 'string' ? text : undefined;
}

/** An error shaped like body-parser's, so the error handler maps both the same way. */
function bodyError(
  type: 'entity.too.large' | 'entity.parse.failed' | 'request.aborted',
  status: number,
  limit?: number,
) {
  return Object.assign(new Error(type), { type, status, expose: true, limit });
}

/**
 * Reads a JSON request body into `req.body` with body-parser's semantics (size limit, any JSON
 * value, an empty body is `{}`, a UTF-8 BOM is ignored).
 *
 * Plain UTF-8 bodies, which is almost every request, are read here directly: measured, body-
 * parser's general machinery (content negotiation, iconv decoding, raw-body's stream handling)
 * cost about 0.06 ms of CPU per request on the project's machine (docs/benchmarks.md).
 * Compressed bodies and other charsets are handed to `express.json()`, which inflates or refuses
 * them as before.
 *
 * @example router.post('/', requireJson(), jsonBody({ limit: 1_000_000 }), handler);
 */
export function jsonBody(options: { limit: number }): RequestHandler {
  const { limit } = options;
  // Not strict: `null` or `"x"` is valid JSON, just not a valid request, and validation says so
  // ("expected object, received null") instead of calling it malformed.
  const bodyParser: RequestHandler = express.json({ limit, type: isJsonRequest, strict: false });
  return function jsonBodyMiddleware(req, res, next) {
    const type = req.headers['content-type']?.toLowerCase();
    if (req.headers['content-encoding'] !== undefined || !type || !PLAIN_JSON_TYPES.has(type)) {
      bodyParser(req, res, next);
      return;
    }
    if (Number(req.headers['content-length']) > limit) {
      failAfterDraining(req, next, bodyError('entity.too.large', 413, limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    function onData(chunk: Buffer) {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      stop();
      failAfterDraining(req, next, bodyError('entity.too.large', 413, limit));
    }
    function onEnd() {
      stop();
      try {
        const text = Buffer.concat(chunks, size).toString('utf8');
        req.body = parseJson(text);
        res.locals[JSON_TEXT] = text;
      } catch {
        next(bodyError('entity.parse.failed', 400));
        return;
      }
      next();
    }
    // The client went away mid-body (Node's 'aborted'): a 400, as body-parser makes it, not a
    // server error.
    function onError() {
      stop();
      next(bodyError('request.aborted', 400));
    }
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  };
}

/**
 * Like body-parser: read off and discard the rest of the body before answering, so the
 * connection stays usable for the client's next request.
 */
function failAfterDraining(req: IncomingMessage, next: NextFunction, error: Error): void {
  req.resume();
  finished(req, () => {
    next(error);
  });
}

/** Like body-parser's `strict: false`: any JSON value; an empty body is `{}`. */
function parseJson(text: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return body.length === 0 ? {} : (JSON.parse(body) as unknown);
}
