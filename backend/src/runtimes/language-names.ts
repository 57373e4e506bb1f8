import { LANGUAGE_CATALOG } from './language-catalog.js';

/**
 * Names people type that Piston's own aliases do not all cover, mapped to the Piston language
 * they mean. Piston's aliases are tried first; these are the fallback.
 */
export const COMMON_LANGUAGE_NAMES: Readonly<Record<string, string>> = {
  py: 'python',
  py3: 'python',
  python3: 'python',
  cpp: 'c++',
  cxx: 'c++',
  'g++': 'c++',
  js: 'javascript',
  node: 'javascript',
  nodejs: 'javascript',
  'node.js': 'javascript',
  ts: 'typescript',
  golang: 'go',
  sh: 'bash',
  shell: 'bash',
  rb: 'ruby',
  rs: 'rust',
  'c#': 'csharp',
  cs: 'csharp',
  kt: 'kotlin',
  sql: 'sqlite3',
  sqlite: 'sqlite3',
};

/** Source-file extensions by Piston language, for naming the entry-point file (from the catalog). */
export const LANGUAGE_EXTENSIONS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(LANGUAGE_CATALOG).flatMap(([language, info]) =>
    info.extension === undefined ? [] : [[language, info.extension]],
  ),
);

/** Levenshtein distance, for suggesting the closest installed language names. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
