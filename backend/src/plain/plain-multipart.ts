import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { Response } from 'express';
import { BadRequestError } from '../errors.js';
import { closeAfterAnswer } from '../middleware/lingering-close.js';
import { MAX_ARGS } from '../schemas/execute-request.js';
import { payloadTooLarge, programText, utf8Text, type PlainProgram } from './plain-program.js';

/** The parts a form may have: `code`, `stdin`, and one `args` part per argument. */
const MAX_PARTS = MAX_ARGS + 2;
/** Part names are ours (`code`, `stdin`, `args`); anything longer is not one of them. */
const MAX_PART_NAME = 16;
/** Headers per part: Content-Disposition, Content-Type, and a few a client may add. */
const MAX_PART_HEADERS = 8;

type Part = 'code' | 'stdin' | 'args';
const PARTS: ReadonlySet<string> = new Set<Part>(['code', 'stdin', 'args']);

/**
 * Reads `multipart/form-data` with busboy: a `code` part (a file, as `curl -F code=@main.py`
 * sends it, or a field), an optional `stdin` part (file or field) and `args` fields, one per
 * argument. Every part, the number of parts and the whole body are bounded (413 past `limit`
 * bytes, 400 past MAX_PARTS parts); an unknown, repeated or malformed part is a 400. Field values
 * are decoded as latin1 (byte for byte) and then checked to be UTF-8, so bytes that are not
 * UTF-8 are refused, never replaced.
 */
export function readMultipart(
  req: IncomingMessage,
  res: Response,
  options: { limit: number },
): Promise<PlainProgram> {
  const { limit } = options;
  return new Promise<PlainProgram>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defCharset: 'latin1',
        defParamCharset: 'utf8',
        limits: {
          fieldNameSize: MAX_PART_NAME,
          fieldSize: limit,
          fileSize: limit,
          files: 2,
          fields: MAX_PARTS,
          parts: MAX_PARTS,
          headerPairs: MAX_PART_HEADERS,
        },
      });
    } catch {
      reject(malformed('The multipart body has no boundary in its Content-Type'));
      return;
    }
    const values: Partial<Record<'code' | 'stdin', Buffer>> = {};
    const args: string[] = [];
    let received = 0;
    let settled = false;

    const fail = (error: BadRequestError) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      req.off('data', count);
      // Whatever the client still sends is read off and dropped; the connection closes after.
      req.resume();
      closeAfterAnswer(res);
      reject(error);
    };
    const take = (name: string, bytes: Buffer, isFile: boolean) => {
      if (!PARTS.has(name)) {
        fail(
          malformed(
            `Unknown part "${name.slice(0, MAX_PART_NAME)}"`,
            name,
            'use code, stdin or args',
          ),
        );
        return;
      }
      if (name === 'args') {
        if (isFile) fail(malformed('Each args part must be a text field', 'args'));
        else args.push(bytes.toString('latin1'));
        return;
      }
      const part = name as 'code' | 'stdin';
      if (values[part]) fail(malformed(`The ${part} part is sent twice`, part));
      else values[part] = bytes;
    };
    function count(chunk: Buffer) {
      received += chunk.length;
      if (received > limit) fail(payloadTooLarge(limit));
    }

    parser.on('file', (name: string, stream: Readable) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => fail(payloadTooLarge(limit)));
      stream.on('end', () => take(name, Buffer.concat(chunks), true));
    });
    parser.on('field', (name: string, value: string, info: busboy.FieldInfo) => {
      if (info.nameTruncated) take(name, Buffer.alloc(0), false);
      else if (info.valueTruncated) fail(payloadTooLarge(limit));
      else take(name, Buffer.from(value, 'latin1'), false);
    });
    const tooMany = () =>
      fail(malformed(`The form has more than ${MAX_PARTS} parts`, 'body', `at most ${MAX_PARTS}`));
    parser.on('partsLimit', tooMany);
    parser.on('fieldsLimit', tooMany);
    parser.on('filesLimit', () => fail(malformed('Send at most the code and stdin as files')));
    parser.on('error', () => fail(malformed('The multipart body could not be read')));
    parser.on('close', () => {
      if (settled) return;
      settled = true;
      try {
        resolve(program(values, args));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    req.on('data', count);
    req.on('aborted', () => fail(malformed('The request was aborted')));
    req.pipe(parser);
  });
}

function program(values: Partial<Record<'code' | 'stdin', Buffer>>, args: string[]): PlainProgram {
  if (values.code === undefined)
    throw malformed('The form has no "code" part', 'code', 'is required');
  return {
    code: programText(values.code),
    ...(values.stdin ? { stdin: utf8Text(values.stdin, 'stdin') } : {}),
    ...(args.length > 0
      ? { args: args.map((arg, index) => utf8Text(Buffer.from(arg, 'latin1'), `args.${index}`)) }
      : {}),
  };
}

function malformed(message: string, field = 'body', detail = message): BadRequestError {
  return new BadRequestError('invalid_request', message, { details: [{ field, message: detail }] });
}
