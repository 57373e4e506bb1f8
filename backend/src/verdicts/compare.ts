/**
 * How a test's expected output is compared with what the program printed. Every mode is one
 * linear pass over both strings, with no regular expression: outputs are up to Piston's output
 * limit and expected outputs come from the client.
 */

/** The comparison modes of `compare` (issue 17). */
export const COMPARE_MODES = ['lines', 'exact', 'tokens', 'number'] as const;

/** One of COMPARE_MODES. */
export type CompareMode = (typeof COMPARE_MODES)[number];

/** The `number` mode's tolerance when the request names none. */
export const DEFAULT_TOLERANCE = 1e-6;

/**
 * ASCII whitespace as C's isspace() and Ruby's String#strip know it: space, \t, \n, \v, \f, \r.
 * Unicode spaces (U+00A0, U+2028, ...) are output, not layout: a program that prints them is
 * judged on them.
 */
function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

/** The end of `text` in [start, end) once trailing whitespace is dropped. */
function trimmedEnd(text: string, start: number, end: number): number {
  let last = end;
  while (last > start && isSpace(text.charCodeAt(last - 1))) last -= 1;
  return last;
}

/**
 * Judge0's rule: split on `\n`, strip trailing whitespace (including `\r`) from every line, then
 * strip trailing whitespace from the whole.
 */
export function normalizeLines(text: string): string {
  const lines: string[] = [];
  let start = 0;
  while (start <= text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    lines.push(text.slice(start, trimmedEnd(text, start, end)));
    start = end + 1;
  }
  const joined = lines.join('\n');
  return joined.slice(0, trimmedEnd(joined, 0, joined.length));
}

/** The whitespace-separated tokens of `text`, in order. */
export function splitTokens(text: string): string[] {
  const tokens: string[] = [];
  let start = -1;
  for (let i = 0; i < text.length; i += 1) {
    if (isSpace(text.charCodeAt(i))) {
      if (start !== -1) tokens.push(text.slice(start, i));
      start = -1;
    } else if (start === -1) {
      start = i;
    }
  }
  if (start !== -1) tokens.push(text.slice(start));
  return tokens;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** The index after a run of digits starting at `i`. */
function skipDigits(token: string, i: number): number {
  let at = i;
  while (at < token.length && isDigit(token.charCodeAt(at))) at += 1;
  return at;
}

/**
 * The value of a decimal number token (`-12`, `+3.5`, `.5`, `1.`, `6.02e23`, `1E-7`), or
 * undefined for anything else. `NaN`, `inf`, `0x10` and `1,5` are words, compared as text:
 * Number() alone would read `0x10` as 16 and `""` as 0.
 */
export function parseDecimal(token: string): number | undefined {
  let i = 0;
  const sign = token.charCodeAt(0);
  if (sign === 43 || sign === 45) i += 1; // + -
  const intEnd = skipDigits(token, i);
  let digits = intEnd - i;
  i = intEnd;
  if (token.charCodeAt(i) === 46) {
    // .
    const fracEnd = skipDigits(token, i + 1);
    digits += fracEnd - i - 1;
    i = fracEnd;
  }
  if (digits === 0) return undefined;
  const e = token.charCodeAt(i);
  if (e === 101 || e === 69) {
    // e E, then an optional sign and at least one digit
    let at = i + 1;
    const expSign = token.charCodeAt(at);
    if (expSign === 43 || expSign === 45) at += 1;
    const expEnd = skipDigits(token, at);
    if (expEnd === at) return undefined;
    i = expEnd;
  }
  return i === token.length ? Number(token) : undefined;
}

/**
 * Whether two number tokens agree within `tolerance`, absolute or relative to the larger
 * magnitude. A value beyond a double's range (`1e400`, read as Infinity) agrees only with the
 * same text (compared before this), not with every other huge number.
 */
function numbersAgree(a: number, b: number, tolerance: number): boolean {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  if (a === b) return true;
  const difference = Math.abs(a - b);
  return difference <= tolerance || difference <= tolerance * Math.max(Math.abs(a), Math.abs(b));
}

function tokensMatch(actual: string, expected: string, tolerance: number | undefined): boolean {
  const got = splitTokens(actual);
  const want = splitTokens(expected);
  if (got.length !== want.length) return false;
  for (let i = 0; i < want.length; i += 1) {
    const g = got[i] as string;
    const w = want[i] as string;
    if (g === w) continue;
    if (tolerance === undefined) return false;
    const gv = parseDecimal(g);
    const wv = parseDecimal(w);
    if (gv === undefined || wv === undefined || !numbersAgree(gv, wv, tolerance)) return false;
  }
  return true;
}

/** Whether a program's output matches the expected output under the mode. */
export function outputMatches(
  actual: string,
  expected: string,
  mode: CompareMode,
  tolerance?: number,
): boolean {
  switch (mode) {
    case 'exact':
      return actual === expected;
    case 'lines':
      return normalizeLines(actual) === normalizeLines(expected);
    case 'tokens':
      return tokensMatch(actual, expected, undefined);
    case 'number':
      return tokensMatch(actual, expected, tolerance ?? DEFAULT_TOLERANCE);
    default: {
      const unknown: never = mode;
      throw new Error(`unknown comparison mode ${String(unknown)}`);
    }
  }
}
