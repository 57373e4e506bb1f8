import type { IncomingMessage } from 'node:http';
import express, { type NextFunction, type RequestHandler, type Response } from 'express';
import { decodeJsonBody, declaredCharset } from './json-text.js';
import { closeAfterAnswer } from './lingering-close.js';
import { isJsonRequest } from './require-json.js';

const JSON_TEXT = 'jsonText';

/**
 * The body's exact text as jsonBody decoded it (after inflating a compressed body). Identical
 * texts parse to identical bodies.
 */
export function getJsonText(res: Response): string | undefined {
  const text: unknown = res.locals[JSON_TEXT];
  return typeof text === 'string' ? text : undefined;
}

/** An error shaped like body-parser's, so the error handler maps both the same way. */
function bodyError(
  type: 'entity.too.large' | 'request.aborted' | 'charset.unsupported',
  status: number,
  limit?: number,
) {
  return Object.assign(new Error(type), { type, status, expose: true, limit });
}

/**
 * Reads a JSON request body into `req.body` with body-parser's semantics (size limit, any JSON
 * value, an empty body is `{}`, a UTF-8 BOM is ignored), and stricter where body-parser is lax:
 * the charset must be UTF-8 or US-ASCII (415 otherwise; body-parser decoded UTF-7 and UTF-16),
 * the bytes must be valid in it (400, never U+FFFD), arrays and objects may nest at most
 * MAX_JSON_DEPTH deep (400, found before parsing), and a Content-Length over the limit is a
 * 413 at once that closes the connection instead of reading the body off first.
 *
 * Uncompressed bodies, which is almost every request, are read here directly: body-parser's
 * general machinery cost about 0.06 ms of CPU per request on the project's machine
 * (docs/benchmarks.md). Compressed bodies are inflated by `express.raw()` (gzip, deflate, br,
 * with the limit applied to the inflated size) and then get the same checks.
 *
 * @example router.post('/', requireJson(), jsonBody({ limit: 1_000_000 }), handler);
 */
export function jsonBody(options: {
  limit: number;
  /** Read the body as JSON whatever its declared type (clients of Piston's API send text/plain). */
  anyContentType?: boolean;
}): RequestHandler {
  const { limit } = options;
  const inflate: RequestHandler = express.raw({
    limit,
    type: options.anyContentType ? () => true : isJsonRequest,
  });
  return function jsonBodyMiddleware(req, res, next) {
    const charset = declaredCharset(req.headers['content-type']);
    if (charset === undefined) {
      next(bodyError('charset.unsupported', 415));
      return;
    }
    if (Number(req.headers['content-length']) > limit) {
      // Reading off a body the client promised to be too large could take a minute; close the
      // connection after the 413 instead.
      closeAfterAnswer(res);
      next(bodyError('entity.too.large', 413, limit));
      return;
    }
    const finish = (bytes: Buffer) => {
      try {
        const { text, body } = decodeJsonBody(bytes, charset);
        req.body = body;
        res.locals[JSON_TEXT] = text;
      } catch (error) {
        next(error);
        return;
      }
      next();
    };
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
      inflate(req, res, (error?: unknown) => {
        if (error) next(error);
        else finish(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
      });
      return;
    }
    readBody(req, res, next, { limit, finish });
  };
}

/** Reads an uncompressed body up to `limit` bytes and hands its bytes to `finish`. */
function readBody(
  req: IncomingMessage,
  res: Response,
  next: NextFunction,
  options: { limit: number; finish: (bytes: Buffer) => void },
): void {
  const { limit, finish } = options;
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
    failAfterDraining(req, res, next, limit);
  }
  function onEnd() {
    stop();
    finish(Buffer.concat(chunks, size));
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
}

/**
 * A body without a declared length grew past the limit. Like body-parser, read off and discard
 * the rest before answering, so the connection stays usable for the client's next request; but
 * only up to another `limit` bytes: past that, answer at once and close the connection.
 */
function failAfterDraining(
  req: IncomingMessage,
  res: Response,
  next: NextFunction,
  limit: number,
): void {
  const error = bodyError('entity.too.large', 413, limit);
  let drained = 0;
  const onData = (chunk: Buffer) => {
    drained += chunk.length;
    if (drained <= limit) return;
    settle();
    closeAfterAnswer(res);
    next(error);
  };
  const onEnd = () => {
    settle();
    next(error);
  };
  const settle = () => {
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('error', onEnd);
  };
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', onEnd);
}
