import { describe, expect, it } from 'vitest';
import {
  decodeJsonBody,
  declaredCharset,
  MAX_JSON_DEPTH,
  nestsDeeperThan,
} from '../../src/middleware/json-text.js';

/** Milliseconds `fn` takes; the budgets below are hundreds of times a linear pass's cost. */
function timed(fn: () => unknown): number {
  const started = performance.now();
  fn();
  return performance.now() - started;
}

describe('declaredCharset', () => {
  it.each([
    [undefined, 'utf-8'],
    ['application/json', 'utf-8'],
    ['application/json; charset=utf-8', 'utf-8'],
    ['application/json;CHARSET="UTF-8"', 'utf-8'],
    ['application/json; charset = Utf-8 ', 'utf-8'],
    ['application/json; charset=us-ascii', 'us-ascii'],
    ['application/json; charset="US-ASCII"', 'us-ascii'],
    ['application/json; charset=utf-7', undefined],
    ['application/json; charset=utf-16', undefined],
    ['application/json; charset=UTF-16LE', undefined],
    ['application/json; charset=iso-8859-1', undefined],
    ['application/json; charset=', undefined],
  ])('when the Content-Type is %s, then the charset is %s', (type, charset) => {
    expect(declaredCharset(type)).toBe(charset);
  });

  it('when the header is a crafted run of separators and quotes, then reading it stays linear', () => {
    const crafted = `application/json${'; charset="'.repeat(20_000)}`;

    expect(timed(() => declaredCharset(crafted))).toBeLessThan(500);
  });
});

describe('nestsDeeperThan', () => {
  const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

  it('when arrays and objects nest up to the limit, then it passes; one more, then it does not', () => {
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false);
    expect(nestsDeeperThan(`{"a":${nested(MAX_JSON_DEPTH - 1)}}`, MAX_JSON_DEPTH)).toBe(false);
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true);
    expect(nestsDeeperThan(`{"a":${nested(MAX_JSON_DEPTH)}}`, MAX_JSON_DEPTH)).toBe(true);
  });

  it('when brackets are inside strings, escaped quotes included, then they do not count', () => {
    const inString = JSON.stringify({ code: `"${nested(500)}\\"${nested(500)}` });

    expect(nestsDeeperThan(inString, MAX_JSON_DEPTH)).toBe(false);
    expect(nestsDeeperThan(`["\\\\"${nested(MAX_JSON_DEPTH)}]`, MAX_JSON_DEPTH)).toBe(true);
  });

  it.each([
    ['520,000 nested arrays', `${'['.repeat(520_000)}${']'.repeat(520_000)}`],
    ['a run of backslashes in an unclosed string', `"${'\\'.repeat(1_000_000)}`],
    ['escaped and bare quotes', '"\\"'.repeat(340_000)],
    ['alternating brackets and quotes', '["{'.repeat(340_000)],
  ])('when the body is 1 MB of %s, then the scan takes time in proportion', (_name, text) => {
    // A linear pass over 1 MB takes a few milliseconds; the budget allows for a loaded machine.
    expect(timed(() => nestsDeeperThan(text, MAX_JSON_DEPTH))).toBeLessThan(1000);
  });
});

describe('decodeJsonBody', () => {
  it('when the bytes are UTF-8 JSON with a byte order mark, then the value is parsed', () => {
    const bytes = Buffer.from('\uFEFF{"code":"é"}', 'utf8');

    expect(decodeJsonBody(bytes, 'utf-8').body).toEqual({ code: 'é' });
  });

  it('when the body is empty, then it is {}', () => {
    expect(decodeJsonBody(Buffer.alloc(0), 'utf-8').body).toEqual({});
  });

  it.each([
    ['utf-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]), 'not valid UTF-8'],
    ['utf-8', Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]), 'not valid UTF-8'],
    ['us-ascii', Buffer.from('"é"', 'utf8'), 'not valid US-ASCII'],
  ] as const)(
    'when the bytes are not valid %s, then it is invalid_json saying so',
    (charset, bytes, message) => {
      expect(() => decodeJsonBody(bytes, charset)).toThrow(
        expect.objectContaining({
          code: 'invalid_json',
          message: expect.stringContaining(message),
        }),
      );
    },
  );

  it('when the nesting is too deep, then it is invalid_json naming the limit', () => {
    const deep = Buffer.from(`${'['.repeat(100)}${']'.repeat(100)}`);

    expect(() => decodeJsonBody(deep, 'utf-8')).toThrow(
      `nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep`,
    );
  });
});
