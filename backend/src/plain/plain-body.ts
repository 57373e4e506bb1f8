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
 * The last line of a failed run's answer when its body may have lost its line breaks to
 * `curl -d @file` (see plainBody): said as a possibility, since the request cannot tell.
 */
export const CURL_D_HINT =
  'hint: the program came as one line of form data; if it had more, curl -d @file stripped its line breaks: send it with --data-binary @file\n';

const RAW_TYPES = new Set(['text/plain', 'application/octet-stream']);

/**
 * Reads the program of `POST /api/run/:language`: a raw body (`text/plain`,
 * `application/octet-stream`, or no type), or `multipart/form-data` with a `code` part (and
 * `stdin`, `args` parts), bounded by `limit` bytes in total (413, closing the connection when a
 * declared length is over it). The program must be UTF-8 text.
 *
 * A form-encoded body is what curl sends for `-d` and `--data-binary` alike (the same
 * Content-Type, per curl's documentation), so the type cannot tell them apart, and neither can
 * the bytes of a one-line program: `-d @file` strips CR, LF and NUL, which changes nothing in a
 * file of one line. A body with one of them cannot come from `-d @file`; one without is a
 * one-line program, which may be a whole file `-d` flattened. Both run as they came (a correct
 * `--data-binary` upload is never refused); the second is marked `oneLineForm`, and its answer,
 * should it fail, ends with CURL_D_HINT.
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
    const code = programText(bytes);
    return formEncoded && isOneLine(bytes) ? { code, oneLineForm: true } : { code };
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
