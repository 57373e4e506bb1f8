import semver from 'semver';
import type { PistonRuntime } from '../../piston/piston-schemas.js';
import { compareVersions } from '../../runtimes/resolve-runtime.js';

/** One row of the language table: a Judge0 id for (part of) a Piston language. */
interface LanguageRow {
  id: number;
  /** Piston's language name. */
  language: string;
  /** Versions of it this id stands for (a semver range); all when absent. */
  versions?: string;
  /** What `name` says before the version: `C (GCC 12.2.0)`, `Python (3.11.2)`. */
  label: string;
  /** Written before the version inside the parentheses (`GCC`), if anything. */
  engine?: string;
}

/** First id of the gateway's own range, for Piston languages Judge0 CE has no id for. */
export const OWN_LANGUAGE_ID_START = 1000;

/**
 * THE language table. Ids 45-88 are Judge0 CE 1.13.1's own (db/languages/active.rb) for the
 * languages both know; ids from 1000 are this gateway's for the others. An id is never changed
 * or reused once published: add rows, never renumber. Piston languages without a row are not
 * offered under /judge0 until a row is added here.
 */
export const LANGUAGE_TABLE: readonly LanguageRow[] = [
  { id: 45, language: 'nasm', label: 'Assembly', engine: 'NASM' },
  { id: 46, language: 'bash', label: 'Bash' },
  { id: 47, language: 'freebasic', label: 'Basic', engine: 'FBC' },
  { id: 50, language: 'c', label: 'C', engine: 'GCC' },
  { id: 51, language: 'csharp', label: 'C#', engine: 'Mono' },
  { id: 54, language: 'c++', label: 'C++', engine: 'GCC' },
  { id: 55, language: 'lisp', label: 'Common Lisp', engine: 'SBCL' },
  { id: 56, language: 'd', label: 'D', engine: 'DMD' },
  { id: 57, language: 'elixir', label: 'Elixir' },
  { id: 58, language: 'erlang', label: 'Erlang', engine: 'OTP' },
  { id: 59, language: 'fortran', label: 'Fortran', engine: 'GFortran' },
  { id: 60, language: 'go', label: 'Go' },
  { id: 61, language: 'haskell', label: 'Haskell', engine: 'GHC' },
  { id: 62, language: 'java', label: 'Java', engine: 'OpenJDK' },
  { id: 63, language: 'javascript', label: 'JavaScript', engine: 'Node.js' },
  { id: 64, language: 'lua', label: 'Lua' },
  { id: 65, language: 'ocaml', label: 'OCaml' },
  { id: 66, language: 'octave', label: 'Octave' },
  { id: 67, language: 'pascal', label: 'Pascal', engine: 'FPC' },
  { id: 68, language: 'php', label: 'PHP' },
  { id: 69, language: 'prolog', label: 'Prolog', engine: 'GNU Prolog' },
  { id: 70, language: 'python', versions: '2.x', label: 'Python' },
  { id: 71, language: 'python', versions: '>=3', label: 'Python' },
  { id: 72, language: 'ruby', label: 'Ruby' },
  { id: 73, language: 'rust', label: 'Rust' },
  { id: 74, language: 'typescript', label: 'TypeScript' },
  { id: 77, language: 'cobol', label: 'COBOL', engine: 'GnuCOBOL' },
  { id: 78, language: 'kotlin', label: 'Kotlin' },
  { id: 80, language: 'rscript', label: 'R' },
  { id: 81, language: 'scala', label: 'Scala' },
  { id: 82, language: 'sqlite3', label: 'SQL', engine: 'SQLite' },
  { id: 83, language: 'swift', label: 'Swift' },
  { id: 85, language: 'perl', label: 'Perl' },
  { id: 86, language: 'clojure', label: 'Clojure' },
  { id: 87, language: 'fsharp.net', label: 'F#', engine: '.NET' },
  { id: 88, language: 'groovy', label: 'Groovy' },
  // The gateway's own range: alphabetical when first given, fixed since.
  { id: 1000, language: 'awk', label: 'AWK' },
  { id: 1001, language: 'crystal', label: 'Crystal' },
  { id: 1002, language: 'csharp.net', label: 'C#', engine: '.NET' },
  { id: 1003, language: 'dart', label: 'Dart' },
  { id: 1004, language: 'deno', label: 'TypeScript', engine: 'Deno' },
  { id: 1005, language: 'julia', label: 'Julia' },
  { id: 1006, language: 'nasm64', label: 'Assembly', engine: 'NASM 64-bit' },
  { id: 1007, language: 'nim', label: 'Nim' },
  { id: 1008, language: 'powershell', label: 'PowerShell' },
  { id: 1009, language: 'racket', label: 'Racket' },
  { id: 1010, language: 'raku', label: 'Raku' },
  { id: 1011, language: 'zig', label: 'Zig' },
  { id: 1012, language: 'brainfuck', label: 'Brainfuck' },
  { id: 1013, language: 'coffeescript', label: 'CoffeeScript' },
  { id: 1014, language: 'vlang', label: 'V' },
  { id: 1015, language: 'bqn', label: 'BQN' },
  { id: 1016, language: 'emacs', label: 'Emacs Lisp' },
  { id: 1017, language: 'forth', label: 'Forth' },
  { id: 1018, language: 'smalltalk', label: 'Smalltalk' },
  { id: 1019, language: 'dash', label: 'Dash' },
];

/** An installed runtime offered under a Judge0 id. */
export interface Judge0Language {
  id: number;
  /** Judge0-style name with the installed version: `Python (3.11.2)`. */
  name: string;
  runtime: PistonRuntime;
}

const BY_ID = new Map(LANGUAGE_TABLE.map((row) => [row.id, row]));

function nameOf(row: LanguageRow, version: string): string {
  return `${row.label} (${row.engine ? `${row.engine} ` : ''}${version})`;
}

function installedFor(row: LanguageRow, runtimes: readonly PistonRuntime[]): PistonRuntime[] {
  return runtimes.filter((runtime) => {
    if (runtime.language !== row.language) return false;
    if (!row.versions) return true;
    const version = semver.coerce(runtime.version, { loose: true });
    return version !== null && semver.satisfies(version, row.versions);
  });
}

/** The runtime an id stands for: the newest installed version it covers, or undefined. */
export function judge0Language(
  id: number,
  runtimes: readonly PistonRuntime[],
): Judge0Language | undefined {
  const row = BY_ID.get(id);
  if (!row) return undefined;
  const [newest] = installedFor(row, runtimes).sort((a, b) =>
    compareVersions(b.version, a.version),
  );
  return newest ? { id, name: nameOf(row, newest.version), runtime: newest } : undefined;
}

/** Every table language that is installed, by id, as `GET /judge0/languages` lists them. */
export function judge0Languages(runtimes: readonly PistonRuntime[]): Judge0Language[] {
  return LANGUAGE_TABLE.flatMap((row) => {
    const language = judge0Language(row.id, runtimes);
    return language ? [language] : [];
  });
}
