import { describe, expect, it } from 'vitest';
import {
  normalizeLines,
  outputMatches,
  parseDecimal,
  splitTokens,
} from '../../src/verdicts/compare.js';

describe('outputMatches: exact', () => {
  it('when the strings are identical, then they match', () => {
    expect(outputMatches('a\n', 'a\n', 'exact')).toBe(true);
  });

  it.each([
    ['a\n', 'a'],
    ['a\r\n', 'a\n'],
    ['a ', 'a'],
    ['', '\n'],
  ])('when %j differs from %j by whitespace, then they do not match', (actual, expected) => {
    expect(outputMatches(actual, expected, 'exact')).toBe(false);
  });
});

describe('outputMatches: lines (Judge0)', () => {
  it.each([
    ['a\r\nb\r\n', 'a\nb'],
    ['a  \nb\t\n\n\n', 'a\nb'],
    ['a\nb', 'a\nb\n\n  \n'],
    ['3\n', '3'],
    ['', ''],
    ['\n\n \r\n', ''],
    ['a\u000b\f\n', 'a'],
  ])('when %j and %j differ only at line ends, then they match', (actual, expected) => {
    expect(outputMatches(actual, expected, 'lines')).toBe(true);
  });

  it.each([
    [' a', 'a'],
    ['a\n\nb', 'a\nb'],
    ['a b', 'a  b'],
    ['a\rb', 'a\nb'],
    ['x', ''],
    ['', 'x'],
    ['a\u00a0', 'a'],
  ])(
    'when %j and %j differ inside or before a line, then they do not match',
    (actual, expected) => {
      expect(outputMatches(actual, expected, 'lines')).toBe(false);
    },
  );

  it('when a line ends in CRLF and spaces, then only the text before them remains', () => {
    expect(normalizeLines('x \r\n y\t\r\n\r\n')).toBe('x\n y');
  });
});

describe('outputMatches: tokens', () => {
  it.each([
    ['1 2 3\n', '1\n2\n3'],
    ['  a\t\tb  ', 'a b'],
    ['\r\n', ''],
    ['', '   '],
  ])('when %j and %j have the same tokens, then they match', (actual, expected) => {
    expect(outputMatches(actual, expected, 'tokens')).toBe(true);
  });

  it.each([
    ['1 2', '1 2 3'],
    ['1.0', '1'],
    ['ab', 'a b'],
    ['x', ''],
  ])('when %j and %j have different tokens, then they do not match', (actual, expected) => {
    expect(outputMatches(actual, expected, 'tokens')).toBe(false);
  });

  it('when text has runs of whitespace, then the tokens are the words between them', () => {
    expect(splitTokens(' \ta  b\r\nc\u000b')).toEqual(['a', 'b', 'c']);
  });
});

describe('outputMatches: number', () => {
  it.each([
    ['1e-7', '0'],
    ['0', '1e-7'],
    ['3.1415926', '3.14159265'],
    ['1.0', '1'],
    ['-0', '0'],
    ['+5', '5'],
    ['.5', '0.5'],
    ['5.', '5'],
    ['1000000.5', '1000000'],
    ['6.02214076E23', '6.02214076e+23'],
    ['1e400', '1e400'],
    ['abc 1.0000001', 'abc 1'],
    ['NaN', 'NaN'],
    ['', ''],
  ])('when %j and %j agree within the default tolerance, then they match', (actual, expected) => {
    expect(outputMatches(actual, expected, 'number')).toBe(true);
  });

  it.each([
    ['1e-5', '0'],
    ['1', '-1'],
    ['1.01', '1'],
    ['NaN', '0'],
    ['nan', 'NaN'],
    ['0x10', '16'],
    ['1e400', '1e401'],
    ['1e400', '-1e400'],
    ['1,5', '1.5'],
    ['1 2', '1'],
    ['1', ''],
    ['abc', 'abd'],
    ['1e', '1'],
    ['-', '0'],
    ['.', '0'],
  ])('when %j and %j differ beyond the tolerance, then they do not match', (actual, expected) => {
    expect(outputMatches(actual, expected, 'number')).toBe(false);
  });

  it('when a tolerance is given, then it replaces the default, absolute or relative', () => {
    expect(outputMatches('1.05', '1', 'number', 0.1)).toBe(true);
    expect(outputMatches('1.2', '1', 'number', 0.1)).toBe(false);
    expect(outputMatches('1050', '1000', 'number', 0.1)).toBe(true);
    expect(outputMatches('1e-7', '0', 'number', 0)).toBe(false);
    expect(outputMatches('2.5', '2.50', 'number', 0)).toBe(true);
  });

  it('when numbers are huge, then the tolerance is relative to their size', () => {
    expect(outputMatches('123456789012345678901', '123456789012345678900', 'number')).toBe(true);
    expect(outputMatches('1.7976931348623157e308', '1.7976931348623157e308', 'number')).toBe(true);
    expect(outputMatches('1e300', '2e300', 'number')).toBe(false);
  });
});

describe('parseDecimal', () => {
  it.each([
    ['0', 0],
    ['-12', -12],
    ['+3.5', 3.5],
    ['.5', 0.5],
    ['1.', 1],
    ['1E-7', 1e-7],
    ['2e+3', 2000],
  ])('when %j is a decimal number, then it reads %d', (token, value) => {
    expect(parseDecimal(token)).toBe(value);
  });

  it.each(['', '+', '-.', 'e5', '1e', '1e+', '0x1', 'Infinity', 'NaN', '1_000', '1.2.3', '٣'])(
    'when %j is not a decimal number, then it is a word',
    (token) => {
      expect(parseDecimal(token)).toBeUndefined();
    },
  );
});
