import express, { type RequestHandler, type Response } from 'express';
import { BadRequestError } from '../errors.js';
import { closeAfterAnswer } from '../middleware/lingering-close.js';
import { declaredCharset } from '../middleware/json-text.js';
import { readMultipart } from './plain-multipart.js';
import { payloadTooLarge, programText, type PlainProgram } from './plain-program.js';

const PROGRAM = 'plainProgram';

/** The program plainBody() read for this request. */
export function getPlainProgram(res: Response): PlainProgram {
  return res.locals[PROGRAM] as PlainProgram;
}

/** The message of the 415 for `curl -d`, which drops every line break of a file it reads. */
export const FORM_ENCODED_MESSAGE =
  'This looks like curl -d, which strips the line breaks from a file and breaks the program: send it with --data-binary @file (or Content-Type: text/plain)';

const RAW_TYPES = new Set(['text/plain', 'application/octet-stream']);

/**
 * Reads the program of `POST /api/run/:language`: a raw body (`text/plain`,
 * `application/octet-stream`, or no type), or `multipart/form-data` with a `code` part (and
 * `stdin`, `args` parts), bounded by `limit` bytes in total (413, closing the connection when a
 * declared length is over it). The program must be UTF-8 text. A form-encoded body is what curl
 * sends for both `-d` and `--data-binary`: one with a line break can only be `--data-binary`
 * (`-d @file` strips them) and is read as the program; one without is refused 415, because a
 * file sent with `-d` arrives as one line.
 *
 * @example router.post('/:language', plainBody({ limit: 1_000_000 }), handler);
 */
export function plainBody(options: { limit: number }): RequestHandler {
  const { limit } = options;
  const raw: RequestHandler = express.raw({ limit, type: () => true });
  return function plainBodyMiddleware(req, res, next) {
    const contentType = req.headers['content-type'];
    const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
    const formEncoded = type === 'application/x-www-form-urlencoded';
    if (type === 'multipart/form-data') {
      if (tooLargeDeclared(req.headers['content-length'], limit, res, next)) return;
      readMultipart(req, res, { limit }).then(
        (program) => {
          res.locals[PROGRAM] = program;
          next();
        },
        (error: unknown) => next(error),
      );
      return;
    }
    if (type !== '' && !RAW_TYPES.has(type) && !formEncoded) {
      throw new BadRequestError(
        'unsupported_media_type',
        'Send the program as the body (Content-Type: text/plain or application/octet-stream) or as multipart/form-data with a "code" part; JSON goes to POST /api/execute',
      );
    }
    if (type === 'text/plain' && declaredCharset(contentType) === undefined) {
      throw new BadRequestError('unsupported_media_type', 'Send the program as UTF-8 text');
    }
    if (tooLargeDeclared(req.headers['content-length'], limit, res, next)) return;
    raw(req, res, (error?: unknown) => {
      if (error) {
        next(error);
        return;
      }
      const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      // curl -d @file sends the file without a single line break; --data-binary keeps them.
      if (formEncoded && !bytes.includes(0x0a)) {
        next(new BadRequestError('unsupported_media_type', FORM_ENCODED_MESSAGE));
        return;
      }
      try {
        res.locals[PROGRAM] = { code: programText(bytes) };
      } catch (failure) {
        next(failure);
        return;
      }
      next();
    });
  };
}

/** A 413 before reading when the declared length is over the limit; the connection then closes. */
function tooLargeDeclared(
  declared: string | undefined,
  limit: number,
  res: Response,
  next: (error: unknown) => void,
): boolean {
  if (!(Number(declared) > limit)) return false;
  closeAfterAnswer(res);
  next(payloadTooLarge(limit));
  return true;
}
