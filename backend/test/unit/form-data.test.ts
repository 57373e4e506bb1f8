import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { formBoundary, headerParameters, parseFormData } from '../../src/plain/form-data.js';

const LIMITS = { maxParts: 4, maxHeaders: 3 };

/** Parses a body written as text; `\n` in it stands for CRLF. */
function parse(text: string, boundary = 'XyZ') {
  return parseFormData(Buffer.from(text.replace(/\n/g, '\r\n'), 'utf8'), boundary, LIMITS);
}

/** The message of the 400 parsing `text` throws. */
function refusal(text: string): string {
  try {
    parse(text);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('invalid_request');
    return (error as AppError).message;
  }
  throw new Error('the form was accepted');
}

describe('parseFormData', () => {
  it('when parts are fields and files, then each is its bytes, with its name, type and kind', () => {
    const parts = parse(
      'preamble\n--XyZ\nContent-Disposition: form-data; name="code"; filename="m.py"\n' +
        'Content-Type: text/x-python\n\nprint(1)\n\n--XyZ  \n' +
        'content-disposition: form-data; name=args\n\n中\n--XyZ\n' +
        'Content-Disposition: form-data; name="stdin"\nContent-Type: application/octet-stream\n\n' +
        '\n--XyZ--\nepilogue',
    );

    expect(parts.map((p) => [p.name, p.isFile, p.contentType, p.body.toString()])).toEqual([
      ['code', true, 'text/x-python', 'print(1)\r\n'],
      ['args', false, undefined, '中'],
      ['stdin', true, 'application/octet-stream', ''],
    ]);
  });

  it('when the bytes are not UTF-8, then they come back as they are, for the caller to judge', () => {
    const body = Buffer.concat([
      Buffer.from('--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\n'),
      Buffer.from([0xe4, 0xb8, 0x00, 0xff]),
      Buffer.from('\r\n--XyZ--'),
    ]);

    expect(parseFormData(body, 'XyZ', LIMITS)[0]?.body).toEqual(Buffer.from([0xe4, 0xb8, 0, 0xff]));
  });

  it.each([
    ['no delimiter at all', 'just text'],
    ['no closing delimiter', '--XyZ\nContent-Disposition: form-data; name="a"\n\nx'],
    [
      'a delimiter followed by text',
      '--XyZ\nContent-Disposition: form-data; name="a"\n\nx\n--XyZx\n',
    ],
    [
      'headers that never end',
      `--XyZ\nContent-Disposition: form-data; name="a"\nX: ${'y'.repeat(9000)}`,
    ],
    [
      'a header line without a colon',
      '--XyZ\nContent-Disposition: form-data; name="a"\nnonsense\n\nx\n--XyZ--',
    ],
  ])('when the body has %s, then it cannot be read', (_name, text) => {
    expect(refusal(text)).toBe('The multipart body could not be read');
  });

  it.each([
    ['no Content-Disposition', '--XyZ\nContent-Type: text/plain\n\nx\n--XyZ--'],
    ['no name', '--XyZ\nContent-Disposition: form-data; filename="a"\n\nx\n--XyZ--'],
    ['another disposition', '--XyZ\nContent-Disposition: attachment; name="a"\n\nx\n--XyZ--'],
    ['an unterminated quoted name', '--XyZ\nContent-Disposition: form-data; name="a\n\nx\n--XyZ--'],
  ])('when a part has %s, then it is refused', (_name, text) => {
    expect(refusal(text)).toContain('Content-Disposition of form-data with a name');
  });

  it('when there are more parts or header lines than allowed, then it stops there', () => {
    const part = '--XyZ\nContent-Disposition: form-data; name="a"\n\nx\n';

    expect(refusal(`${part.repeat(5)}--XyZ--`)).toBe('The form has more than 4 parts');
    expect(refusal('--XyZ\nA: 1\nB: 2\nC: 3\nD: 4\n\nx\n--XyZ--')).toBe(
      'A part has more than 3 header lines',
    );
  });
});

describe('headerParameters and formBoundary', () => {
  it('when parameters are quoted, escaped or in any case, then they are read as RFC 9110 says', () => {
    expect(headerParameters('Form-Data; NAME="a\\"b;c" ; filename=x.py;')).toEqual({
      value: 'form-data',
      params: new Map([
        ['name', 'a"b;c'],
        ['filename', 'x.py'],
      ]),
    });
    expect(headerParameters('form-data; name="a" junk')).toBeUndefined();
    expect(headerParameters('form-data; name')).toBeUndefined();
  });

  it('when a boundary is quoted, too long or missing, then it is taken, or not', () => {
    expect(formBoundary('multipart/form-data; boundary="a b:c"')).toBe('a b:c');
    expect(formBoundary('multipart/form-data; Boundary=AbC')).toBe('AbC');
    expect(formBoundary(`multipart/form-data; boundary=${'b'.repeat(71)}`)).toBeUndefined();
    expect(formBoundary('multipart/form-data')).toBeUndefined();
  });
});
