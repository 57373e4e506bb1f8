import { isUtf8 } from 'node:buffer';
import { BadRequestError } from '../errors.js';

/** A program as the plain-text route received it, before the query's stdin and args join it. */
export interface PlainProgram {
  code: string;
  stdin?: string;
  args?: string[];
}

/** The 413 for a body over BODY_LIMIT, as JSON bodies get it. */
export function payloadTooLarge(limit: number): BadRequestError {
  return new BadRequestError(
    'payload_too_large',
    `The request body is larger than ${limit} bytes`,
    {
      details: [{ field: 'body', message: `the limit is ${limit} bytes`, limit }],
    },
  );
}

/** The program, which must be UTF-8 text and not empty. */
export function programText(bytes: Buffer): string {
  if (bytes.length === 0) {
    throw new BadRequestError('invalid_request', 'The body is empty: send the program', {
      details: [{ field: 'code', message: 'is required' }],
    });
  }
  return utf8Text(bytes, 'code');
}

/** Bytes as UTF-8 text, or a 400 naming the part: Piston runs text, never replaced bytes. */
export function utf8Text(bytes: Buffer, field: string): string {
  if (!isUtf8(bytes)) {
    throw new BadRequestError('invalid_request', `The ${field} is not UTF-8 text`, {
      details: [{ field, message: 'must be UTF-8 text' }],
    });
  }
  return bytes.toString('utf8');
}
