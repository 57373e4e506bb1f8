import { BadRequestError } from '../errors.js';
import { declaredCharset } from '../middleware/json-text.js';
import { MAX_ARGS } from '../schemas/execute-request.js';
import { malformedForm, parseFormData, type FormPart } from './form-data.js';
import { programText, utf8Text, type PlainProgram } from './plain-program.js';

/** The parts a form may have: `code`, `stdin`, and one `args` part per argument. */
const MAX_PARTS = MAX_ARGS + 2;
/** Part names are ours (`code`, `stdin`, `args`); a longer one is quoted this far. */
const MAX_PART_NAME = 16;
/** Headers per part: Content-Disposition, Content-Type, and a few a client may add. */
const MAX_PART_HEADERS = 8;

const PARTS: ReadonlySet<string> = new Set(['code', 'stdin', 'args']);

/**
 * The program of a `multipart/form-data` body: a `code` part (a file, as `curl -F code=@main.py`
 * sends it, or a field), an optional `stdin` part (file or field) and `args` fields, one per
 * argument. Every part is read as the bytes that came: a part may declare `charset=utf-8` or
 * `us-ascii` (or none), and its bytes must then be UTF-8 (400 otherwise, never replaced);
 * another charset is a 415, as for JSON bodies. At most MAX_PARTS parts (400); an unknown,
 * repeated or malformed part is a 400.
 */
export function formProgram(body: Buffer, boundary: string): PlainProgram {
  const parts = parseFormData(body, boundary, {
    maxParts: MAX_PARTS,
    maxHeaders: MAX_PART_HEADERS,
  });
  let code: string | undefined;
  let stdin: string | undefined;
  const args: string[] = [];
  for (const part of parts) {
    const name = part.name.slice(0, MAX_PART_NAME);
    if (!PARTS.has(part.name)) {
      throw malformedForm(`Unknown part "${name}"`, name, 'use code, stdin or args');
    }
    checkCharset(part);
    if (part.name === 'args') {
      if (part.isFile) throw malformedForm('Each args part must be a text field', 'args');
      args.push(utf8Text(part.body, `args.${args.length}`));
    } else if ((part.name === 'code' ? code : stdin) !== undefined) {
      throw malformedForm(`The ${part.name} part is sent twice`, part.name);
    } else if (part.name === 'code') {
      code = programText(part.body);
    } else {
      stdin = utf8Text(part.body, 'stdin');
    }
  }
  if (code === undefined) throw malformedForm('The form has no "code" part', 'code', 'is required');
  return {
    code,
    ...(stdin === undefined ? {} : { stdin }),
    ...(args.length > 0 ? { args } : {}),
  };
}

/** A 415 for a part that declares a charset other than UTF-8 or US-ASCII. */
function checkCharset(part: FormPart): void {
  if (declaredCharset(part.contentType) !== undefined) return;
  throw new BadRequestError(
    'unsupported_media_type',
    `The ${part.name} part is not in UTF-8: send form parts as UTF-8 text`,
    { details: [{ field: part.name, message: 'must be UTF-8 text (charset=utf-8 or none)' }] },
  );
}
