import { BadRequestError } from '../errors.js';

/** One part of a `multipart/form-data` body, its content as the bytes that came. */
export interface FormPart {
  /** Content-Disposition's `name`. */
  name: string;
  /** Sent as a file: Content-Disposition has a `filename`, or the type is octet-stream. */
  isFile: boolean;
  /** The part's own Content-Type header, as it came (undefined when it has none). */
  contentType?: string;
  body: Buffer;
}

export interface FormDataLimits {
  /** Parts past this many are a 400 (the parser stops there). */
  maxParts: number;
  /** Header lines per part past this many are a 400. */
  maxHeaders: number;
}

/** A part's header block past this many bytes is a 400 (busboy's limit was 16 KiB). */
const MAX_HEADER_BYTES = 8 * 1024;
const CRLF = Buffer.from('\r\n');
const HEADERS_END = Buffer.from('\r\n\r\n');

/**
 * The boundary of a `multipart/form-data` Content-Type (RFC 2046 §5.1.1: 1 to 70 characters,
 * quoted or not), or undefined when it has none.
 */
export function formBoundary(contentType: string): string | undefined {
  const boundary = headerParameters(contentType)?.params.get('boundary');
  return boundary !== undefined && boundary.length >= 1 && boundary.length <= 70
    ? boundary
    : undefined;
}

/**
 * The parts of a `multipart/form-data` body (RFC 7578), read from its bytes: each part's content
 * is exactly the bytes between its headers and the next delimiter, never decoded, so that the
 * caller can check them against the part's charset. A preamble and an epilogue are ignored, a
 * structure that is not RFC 2046's is a 400. One pass: each delimiter is searched for from the
 * end of the last, and a part's header block is looked for within MAX_HEADER_BYTES.
 */
export function parseFormData(body: Buffer, boundary: string, limits: FormDataLimits): FormPart[] {
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  // The first delimiter may open the body, without the line break before it.
  let at = body.subarray(0, delimiter.length - 2).equals(delimiter.subarray(2))
    ? 0
    : body.indexOf(delimiter) + 2;
  if (at === 1) throw unreadable();
  const parts: FormPart[] = [];
  for (;;) {
    at += delimiter.length - 2;
    if (body[at] === 0x2d && body[at + 1] === 0x2d) return parts; // `--boundary--`: the end
    while (body[at] === 0x20 || body[at] === 0x09) at += 1; // transport padding
    if (!body.subarray(at, at + 2).equals(CRLF)) throw unreadable();
    at += 2;
    if (parts.length === limits.maxParts) {
      throw malformedForm(
        `The form has more than ${limits.maxParts} parts`,
        'body',
        `at most ${limits.maxParts}`,
      );
    }
    const headersEnd = body.subarray(at, at + 2).equals(CRLF)
      ? at
      : at + body.subarray(at, at + MAX_HEADER_BYTES + HEADERS_END.length).indexOf(HEADERS_END);
    if (headersEnd < at) throw unreadable();
    const contentStart = headersEnd + (headersEnd === at ? 2 : HEADERS_END.length);
    const next = body.indexOf(delimiter, contentStart);
    if (next === -1) throw unreadable();
    const headers = body.subarray(at, headersEnd).toString('latin1');
    parts.push(formPart(headers, body.subarray(contentStart, next), limits.maxHeaders));
    at = next + 2;
  }
}

/** A part from its header block (RFC 7578 §4.2: Content-Disposition form-data with a name). */
function formPart(block: string, body: Buffer, maxHeaders: number): FormPart {
  const headers = new Map<string, string>();
  const lines = block === '' ? [] : block.split('\r\n');
  if (lines.length > maxHeaders) {
    throw malformedForm(`A part has more than ${maxHeaders} header lines`);
  }
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw unreadable();
    const name = line.slice(0, colon).trim().toLowerCase();
    // The first of a repeated header counts, as in busboy.
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  const disposition = headerParameters(headers.get('content-disposition') ?? '');
  const name = disposition?.params.get('name');
  if (disposition?.value !== 'form-data' || name === undefined) {
    throw malformedForm('Each part needs a Content-Disposition of form-data with a name');
  }
  const contentType = headers.get('content-type');
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  const isFile =
    disposition.params.has('filename') ||
    disposition.params.has('filename*') ||
    type === 'application/octet-stream';
  return { name, isFile, ...(contentType === undefined ? {} : { contentType }), body };
}

/**
 * A header value's first item (lower-cased) and its `; name=value` parameters (names
 * lower-cased, values unquoted; the first of a repeated name counts), or undefined when the
 * parameters are malformed. Linear: every character is looked at once.
 */
export function headerParameters(
  header: string,
): { value: string; params: Map<string, string> } | undefined {
  const params = new Map<string, string>();
  let at = header.indexOf(';');
  const value = (at === -1 ? header : header.slice(0, at)).trim().toLowerCase();
  while (at !== -1) {
    const equals = header.indexOf('=', at + 1);
    const name = header.slice(at + 1, equals === -1 ? header.length : equals).trim();
    if (name === '' && equals === -1) break; // a trailing `;`
    if (equals === -1 || name === '' || name.includes(';')) return undefined;
    const read = parameterValue(header, equals + 1);
    if (read === undefined) return undefined;
    if (!params.has(name.toLowerCase())) params.set(name.toLowerCase(), read.value);
    at = read.next;
  }
  return { value, params };
}

/**
 * The parameter value starting at `from` (a token, or a quoted string whose `\` escapes the next
 * character) and the index of the `;` after it (-1 at the end), or undefined when it is malformed.
 */
function parameterValue(header: string, from: number): { value: string; next: number } | undefined {
  let at = from;
  while (header[at] === ' ' || header[at] === '\t') at += 1;
  if (header[at] !== '"') {
    const next = header.indexOf(';', at);
    return { value: header.slice(at, next === -1 ? header.length : next).trim(), next };
  }
  let value = '';
  for (at += 1; at < header.length && header[at] !== '"'; at += 1) {
    if (header[at] === '\\' && at + 1 < header.length) at += 1;
    value += header.charAt(at);
  }
  if (at >= header.length) return undefined; // unterminated
  const next = header.indexOf(';', at + 1);
  if (header.slice(at + 1, next === -1 ? header.length : next).trim() !== '') return undefined;
  return { value, next };
}

function unreadable(): BadRequestError {
  return malformedForm('The multipart body could not be read');
}

/** A 400 for a form the gateway cannot take, naming the field at fault. */
export function malformedForm(message: string, field = 'body', detail = message): BadRequestError {
  return new BadRequestError('invalid_request', message, { details: [{ field, message: detail }] });
}
