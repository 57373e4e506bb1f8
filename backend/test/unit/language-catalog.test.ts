import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LANGUAGE_CATALOG, languageDetails } from '../../src/runtimes/language-catalog.js';
import { LANGUAGE_EXTENSIONS } from '../../src/runtimes/language-names.js';
import { loadFixture } from '../support/fixtures.js';

/**
 * Every language name Piston 's packages provide (github.com/engineer-man/piston @0a844d0a,
 * packages/<package>/<version>/metadata.json: `language`, or each `provides[].language`).
 */
const PISTON_LANGUAGES =
  `awk bash basic basic.net befunge93 bqn brachylog brainfuck c c++ cjam clojure
  cobol coffeescript cow crystal csharp csharp.net d dart dash dragon elixir emacs emojicode erlang
  file forte forth fortran freebasic fsharp.net fsi go golfscript groovy haskell husk iverilog japt
  java javascript jelly julia kotlin lisp llvm_ir lolcode lua matl nasm nasm64 nim ocaml octave
  osabie paradoc pascal perl php ponylang powershell prolog pure pyth python python2 racket raku
  retina rockstar rscript ruby rust samarium scala smalltalk sqlite3 swift typescript vlang vyxal
  yeethon zig`.split(/\s+/);

/** The ids of the @codemirror/lang-* packages the playground bundles. */
const CODEMIRROR_PACKAGES = [
  'python',
  'javascript',
  'typescript',
  'cpp',
  'java',
  'rust',
  'go',
  'sql',
];

/** Every StreamLanguage export of @codemirror/legacy-modes, read from its type declarations. */
function legacyModeExports(): Set<string> {
  const require = createRequire(import.meta.url);
  const modeDir = join(dirname(require.resolve('@codemirror/legacy-modes/package.json')), 'mode');
  const names = new Set<string>();
  for (const file of readdirSync(modeDir).filter((name) => name.endsWith('.d.ts'))) {
    const text = readFileSync(join(modeDir, file), 'utf8');
    for (const match of text.matchAll(/export declare const (\w+)/g)) names.add(match[1] ?? '');
  }
  return names;
}

/** A Brainfuck interpreter, to check that template prints what it should. */
function runBrainfuck(program: string): string {
  const tape = new Uint8Array(1000);
  const jumps = new Map<number, number>();
  const open: number[] = [];
  for (let i = 0; i < program.length; i += 1) {
    if (program[i] === '[') open.push(i);
    if (program[i] === ']') {
      const start = open.pop() as number;
      jumps.set(start, i).set(i, start);
    }
  }
  let out = '';
  let cell = 0;
  for (let i = 0; i < program.length; i += 1) {
    const op = program[i];
    if (op === '>') cell += 1;
    else if (op === '<') cell -= 1;
    else if (op === '+') tape[cell] = (tape[cell] ?? 0) + 1;
    else if (op === '-') tape[cell] = (tape[cell] ?? 0) - 1;
    else if (op === '.') out += String.fromCharCode(tape[cell] ?? 0);
    else if (op === '[' && tape[cell] === 0) i = jumps.get(i) as number;
    else if (op === ']' && tape[cell] !== 0) i = jumps.get(i) as number;
  }
  return out;
}

describe('the language catalog', () => {
  it("when compared with Piston's packages, then it has an entry for every language they provide", () => {
    expect(Object.keys(LANGUAGE_CATALOG).sort()).toEqual([...PISTON_LANGUAGES].sort());
  });

  it('when compared with the recorded runtime list, then it knows every language there', () => {
    const runtimes = loadFixture('runtimes').response.body as { language: string }[];

    for (const { language } of runtimes) expect(LANGUAGE_CATALOG).toHaveProperty([language]);
  });

  it('when an entry names a CodeMirror id, then it is a bundled package or a legacy mode', () => {
    const legacy = legacyModeExports();

    for (const [language, info] of Object.entries(LANGUAGE_CATALOG)) {
      const id = info.editor.codemirror;
      if (id === undefined) continue;
      const known = CODEMIRROR_PACKAGES.includes(id) || legacy.has(id);
      expect({ language, id, known }).toEqual({ language, id, known: true });
    }
  });

  it('when an entry has a template, then the program spells "Hello, World!"', () => {
    for (const [language, info] of Object.entries(LANGUAGE_CATALOG)) {
      if (info.template === undefined) continue;
      const text =
        language === 'brainfuck'
          ? runBrainfuck(info.template)
          : language === 'befunge93'
            ? info.template.split('').reverse().join('')
            : info.template;
      expect({ language, says: text.includes('Hello, World!') }).toEqual({ language, says: true });
    }
  });

  it('when the mainstream languages are looked up, then they have names, ids and templates', () => {
    expect(LANGUAGE_CATALOG['c++']).toMatchObject({
      displayName: 'C++',
      extension: 'cpp',
      editor: { codemirror: 'cpp', monaco: 'cpp' },
    });
    expect(LANGUAGE_CATALOG.c?.editor.codemirror).toBe('cpp');
    for (const language of [
      'python',
      'javascript',
      'typescript',
      'java',
      'go',
      'rust',
      'sqlite3',
    ]) {
      expect(LANGUAGE_CATALOG[language]?.template).toBeDefined();
      expect(LANGUAGE_CATALOG[language]?.editor.codemirror).toBeDefined();
    }
  });

  it('when a language is unknown, then its details are its own name and nothing invented', () => {
    expect(languageDetails('mylang')).toEqual({ displayName: 'mylang', editor: {} });
  });

  it('when the entry file is named, then the extension comes from the catalog', () => {
    expect(LANGUAGE_EXTENSIONS.rscript).toBe('r');
    expect(LANGUAGE_EXTENSIONS['c++']).toBe('cpp');
  });
});
