import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonPieces, type JsonData, type JsonPiece } from '../../src/live/json-pieces.js';

const text = (pieces: JsonPiece[]) =>
  Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p))).toString(
    'utf8',
  );

describe('jsonPieces', () => {
  it('when any JSON value is cut into pieces, then the pieces are exactly JSON.stringify', () => {
    // A threshold of 2 makes most strings long ones, so both kinds of piece are exercised.
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const data = value as JsonData;
        expect(text(jsonPieces(data, 2))).toBe(JSON.stringify(data));
      }),
    );
  });

  it('when members are undefined, then they are left out as JSON.stringify leaves them out', () => {
    const value = { a: undefined, b: 1, c: { d: undefined }, e: 'x'.repeat(20) };
    expect(text(jsonPieces(value, 10))).toBe(JSON.stringify(value));
  });

  it('when a long string holds escapes and characters outside Latin-1, then its JSON is unchanged', () => {
    const long = 'quote " backslash \\ tab \t nul \u0000 é 😀 line\n'.repeat(2000);
    const value = { output: long, run: { stdout: long, stderr: '' } };
    expect(text(jsonPieces(value))).toBe(JSON.stringify(value));
  });

  it('when a long string appears twice, then both places share one encoding of it', () => {
    const long = 'x'.repeat(20);
    const pieces = jsonPieces({ success: true, output: long, run: { stdout: long } }, 10);
    const [encoded] = pieces.filter((p) => Buffer.isBuffer(p));
    expect(pieces).toStrictEqual([
      '{"success":true,"output":',
      encoded,
      ',"run":{"stdout":',
      encoded,
      '}}',
    ]);
    expect(pieces[1]).toBe(pieces[3]);
  });
});
