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

/**
 * Java source that is not code: comments, text blocks, strings and char literals. One pass, so
 * whichever starts first wins: `"src/*.java"` is a string, not the start of a comment. A comment
 * or text block left open runs to the end of the source, as it does for javac; matching it there
 * also keeps the scan linear (ending it only at a closing mark made `/*a/*a/*a...` quadratic: a
 * 100 KB body held the event loop for over a second).
 */
const JAVA_NOT_CODE =
  /\/\*[\s\S]*?(?:\*\/|$)|\/\/[^\n]*|"""[\s\S]*?(?:"""|$)|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'/g;

/** The first public top-level type declared in Java source, ignoring comments and strings. */
export function javaPublicClass(source: string): string | undefined {
  return JAVA_PUBLIC_TYPE.exec(source.replace(JAVA_NOT_CODE, ' '))?.[1];
}

function withExtension(base: string, language: string): string {
  const extension = extensionFor(language);
  return extension ? `${base}.${extension}` : base;
}
