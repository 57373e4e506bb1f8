import { LANGUAGE_EXTENSIONS } from '../runtimes/language-names.js';

const JAVA_PUBLIC_TYPE =
  /\bpublic\s+(?:(?:final|abstract|sealed|non-sealed|strictfp|static)\s+)*(?:class|interface|enum|record)\s+([A-Za-z_$][\w$]*)/;

/** The file extension for a Piston language, without the dot ('' when unknown). */
export function extensionFor(language: string): string {
  return LANGUAGE_EXTENSIONS[language] ?? '';
}

/**
 * The name of the entry-point file: `main.<ext>`, except Java, whose file must be named after its
 * public class (`Main.java` when there is none).
 */
export function entryFileName(language: string, source: string): string {
  if (language === 'java') return `${javaPublicClass(source) ?? 'Main'}.java`;
  return withExtension('main', language);
}

/** The name for the n-th (0-based) unnamed extra file. */
export function extraFileName(language: string, index: number): string {
  return withExtension(`file${index}`, language);
}

/** The first public top-level type declared in Java source, ignoring comments and strings. */
export function javaPublicClass(source: string): string | undefined {
  return JAVA_PUBLIC_TYPE.exec(javaCodeOnly(source))?.[1];
}

/**
 * Java source with what is not code (comments, text blocks, strings and char literals) replaced
 * by a space. One pass, left to right, so whichever starts first wins: `"src/*.java"` is a
 * string, not the start of a comment. A comment or text block left open runs to the end of the
 * source, as it does for javac; a string or char literal left open ends at the line's end.
 *
 * A scanner rather than a regular expression: every character is looked at a bounded number of
 * times whatever the input. The regular expression this replaces retried an unclosed string from
 * every quote, so `"` followed by 51,000 `\"` held the event loop for 4 s (issue 14, §4.1).
 */
function javaCodeOnly(source: string): string {
  const code: string[] = [];
  let codeStart = 0;
  let index = 0;
  while (index < source.length) {
    const end = isSpecial(source.charCodeAt(index)) ? notCodeEnd(source, index) : index;
    if (end === index) {
      index += 1;
      continue;
    }
    // Only non-empty pieces: a run of literals costs nothing, and join(' ') separates the pieces.
    if (index > codeStart) code.push(source.slice(codeStart, index));
    index = codeStart = end;
  }
  if (source.length > codeStart) code.push(source.slice(codeStart));
  return code.join(' ');
}

const SLASH = 0x2f;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;

function isSpecial(char: number): boolean {
  return char === SLASH || char === DOUBLE_QUOTE || char === SINGLE_QUOTE;
}

/** Where the comment or literal starting at `index` ends (just past it), or `index` if none does. */
function notCodeEnd(source: string, index: number): number {
  const char = source[index];
  if (char === '/' && source[index + 1] === '*') return endOf(source, '*/', index + 2, true);
  if (char === '/' && source[index + 1] === '/') return endOf(source, '\n', index + 2, false);
  if (source.startsWith('"""', index)) return literalEnd(source, index + 3, '"""');
  if (char === '"' || char === "'") return literalEnd(source, index + 1, char);
  return index;
}

/** Where `mark` next occurs from `from` (just past it, when `past`), or the end of the source. */
function endOf(source: string, mark: string, from: number, past: boolean): number {
  const found = source.indexOf(mark, from);
  if (found === -1) return source.length;
  return past ? found + mark.length : found;
}

/**
 * Just past the literal's closing `close`, skipping backslash escapes. A one-line literal (`"`
 * or `'`) left open ends before the newline; a text block (`"""`) left open runs to the end.
 */
function literalEnd(source: string, from: number, close: string): number {
  const oneLine = close.length === 1;
  let index = from;
  while (index < source.length) {
    const char = source[index];
    if (char === '\\') index += 2;
    else if (source.startsWith(close, index)) return index + close.length;
    else if (oneLine && char === '\n') return index;
    else index += 1;
  }
  return source.length;
}

function withExtension(base: string, language: string): string {
  const extension = extensionFor(language);
  return extension ? `${base}.${extension}` : base;
}
