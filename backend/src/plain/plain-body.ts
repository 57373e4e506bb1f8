import express, { type RequestHandler, type Response } from 'express';
import { BadRequestError } from '../errors.js';
import { closeAfterAnswer } from '../middleware/lingering-close.js';
import { declaredCharset } from '../middleware/json-text.js';
import { formBoundary, malformedForm } from './form-data.js';
import { formProgram } from './plain-multipart.js';
import { payloadTooLarge, programText, type PlainProgram } from './plain-program.js';

const PROGRAM = 'plainProgram';

/** The program plainBody() read for this request. */
export function getPlainProgram(res: Response): PlainProgram {
  return res.locals[PROGRAM] as PlainProgram;
}

/**
 * The 415 of a form-encoded body without a line break: what `curl -d @file` sends. It strips CR,
 * LF and NUL from the file, which silently breaks most programs.
 */
export const FORM_ENCODED_MESSAGE =
  'This looks like curl -d, which strips the line breaks from a file and breaks the program: send it with --data-binary @file (a one-line program too, or with -H "Content-Type: text/plain")';

const RAW_TYPES = new Set(['text/plain', 'application/octet-stream']);

/**
 * Reads the program of `POST /api/run/:language`: a raw body (`text/plain`,
 * `application/octet-stream`, or no type), or `multipart/form-data` with a `code` part (and
 * `stdin`, `args` parts), bounded by `limit` bytes in total (413, closing the connection when a
 * declared length is over it). The program must be UTF-8 text.
 *
 * A form-encoded body is what curl sends for `-d` and `--data-binary` alike (the same
 * Content-Type, per curl's documentation); `-d @file` strips CR, LF and NUL. A form-encoded body
 * with one of them came through `--data-binary` and runs as it came; one without is refused with
 * FORM_ENCODED_MESSAGE (415), since a whole file flattened by `-d` would run broken or, worse,
 * differently. A one-line program sent with `--data-binary` and no Content-Type is refused too:
 * the message says to send it as `text/plain`.
 *
 * @example router.post('/:language', plainBody({ limit: 1_000_000 }), handler);
 */
export function plainBody(options: { limit: number }): RequestHandler {
  const { limit } = options;
  const raw: RequestHandler = express.raw({ limit, type: () => true });
  return function plainBodyMiddleware(req, res, next) {
    const read = programReader(req.headers['content-type']);
    if (tooLargeDeclared(req.headers['content-length'], limit, res, next)) return;
    raw(req, res, (error?: unknown) => {
      if (error) {
        next(error);
        return;
      }
      try {
        res.locals[PROGRAM] = read(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
      } catch (failure) {
        next(failure);
        return;
      }
      next();
    });
  };
}

/**
 * How to read the program from the body's bytes for its Content-Type; throws the 415 (or the 400
 * of a form without a boundary) before anything is read.
 */
function programReader(contentType: string | undefined): (bytes: Buffer) => PlainProgram {
  const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'multipart/form-data') {
    const boundary = formBoundary(contentType ?? '');
    if (boundary === undefined) {
      throw malformedForm('The multipart body has no boundary in its Content-Type');
    }
    return (bytes) => formProgram(bytes, boundary);
  }
  const formEncoded = type === 'application/x-www-form-urlencoded';
  if (type !== '' && !RAW_TYPES.has(type) && !formEncoded) {
    throw new BadRequestError(
      'unsupported_media_type',
      'Send the program as the body (Content-Type: text/plain or application/octet-stream) or as multipart/form-data with a "code" part; JSON goes to POST /api/execute',
    );
  }
  if ((type === 'text/plain' || formEncoded) && declaredCharset(contentType) === undefined) {
    throw new BadRequestError('unsupported_media_type', 'Send the program as UTF-8 text');
  }
  return (bytes) => {
    if (formEncoded && isOneLine(bytes)) {
      throw new BadRequestError('unsupported_media_type', FORM_ENCODED_MESSAGE);
    }
    return { code: programText(bytes) };
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

/** No CR, LF or NUL: what `curl -d @file` leaves of any file (curl's --data documentation). */
function isOneLine(bytes: Buffer): boolean {
  return !bytes.includes(0x0a) && !bytes.includes(0x0d) && !bytes.includes(0x00);
}
