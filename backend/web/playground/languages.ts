import type { StreamParser } from '@codemirror/language';
import type { Extension } from '@codemirror/state';
import type { LanguageEntry } from '../shared/types.js';

/** A legacy (CodeMirror 5) mode, loaded when first needed. */
const legacy = (load: () => Promise<StreamParser<unknown>>) => async (): Promise<Extension> => {
  const [{ StreamLanguage }, parser] = await Promise.all([import('@codemirror/language'), load()]);
  return StreamLanguage.define(parser);
};
const clike = (name: 'csharp' | 'kotlin' | 'scala' | 'dart') =>
  legacy(async () => (await import('@codemirror/legacy-modes/mode/clike'))[name]);

/**
 * Editor modes by CodeMirror id or Piston language name. Each is a separate chunk of the bundle
 * (esbuild splitting), fetched from /assets/ when a language is first picked, so the page loads
 * only the grammar it shows.
 */
const MODES: Readonly<Record<string, () => Promise<Extension>>> = {
  python: async () => (await import('@codemirror/lang-python')).python(),
  javascript: async () => (await import('@codemirror/lang-javascript')).javascript(),
  typescript: async () =>
    (await import('@codemirror/lang-javascript')).javascript({ typescript: true }),
  cpp: async () => (await import('@codemirror/lang-cpp')).cpp(),
  java: async () => (await import('@codemirror/lang-java')).java(),
  rust: async () => (await import('@codemirror/lang-rust')).rust(),
  go: async () => (await import('@codemirror/lang-go')).go(),
  sql: async () => (await import('@codemirror/lang-sql')).sql(),
  shell: legacy(async () => (await import('@codemirror/legacy-modes/mode/shell')).shell),
  ruby: legacy(async () => (await import('@codemirror/legacy-modes/mode/ruby')).ruby),
  csharp: clike('csharp'),
  kotlin: clike('kotlin'),
  scala: clike('scala'),
  dart: clike('dart'),
  haskell: legacy(async () => (await import('@codemirror/legacy-modes/mode/haskell')).haskell),
  lua: legacy(async () => (await import('@codemirror/legacy-modes/mode/lua')).lua),
  perl: legacy(async () => (await import('@codemirror/legacy-modes/mode/perl')).perl),
  r: legacy(async () => (await import('@codemirror/legacy-modes/mode/r')).r),
  swift: legacy(async () => (await import('@codemirror/legacy-modes/mode/swift')).swift),
};

/** Piston names whose mode goes by another name. */
const ALIASES: Readonly<Record<string, string>> = {
  c: 'cpp',
  'c++': 'cpp',
  sqlite3: 'sql',
  bash: 'shell',
  'csharp.net': 'csharp',
  rscript: 'r',
};

/** The editor mode for a language: the id the server names, else by the language's name. */
export async function editorMode(entry: LanguageEntry | undefined): Promise<Extension> {
  if (entry === undefined) return [];
  const id = entry.editor?.codemirror ?? '';
  const mode = MODES[id] ?? MODES[entry.language] ?? MODES[ALIASES[entry.language] ?? ''];
  return mode ? mode() : [];
}

/** Starter programs for servers that do not send a `template` with each language. */
const TEMPLATES: Readonly<Record<string, string>> = {
  python: 'name = "world"\nprint(f"Hello, {name}!")\n',
  javascript: 'console.log("Hello, world!");\n',
  typescript: 'const name: string = "world";\nconsole.log(`Hello, ${name}!`);\n',
  c: '#include <stdio.h>\n\nint main(void) {\n    printf("Hello, world!\\n");\n    return 0;\n}\n',
  'c++':
    '#include <iostream>\n\nint main() {\n    std::cout << "Hello, world!" << std::endl;\n    return 0;\n}\n',
  java: 'public class Main {\n    public static void main(String[] args) {\n        System.out.println("Hello, world!");\n    }\n}\n',
  rust: 'fn main() {\n    println!("Hello, world!");\n}\n',
  go: 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("Hello, world!")\n}\n',
  bash: 'echo "Hello, world!"\n',
  ruby: 'puts "Hello, world!"\n',
  sqlite3: "SELECT 'Hello, world!';\n",
  php: '<?php\necho "Hello, world!\\n";\n',
  lua: 'print("Hello, world!")\n',
  perl: 'print "Hello, world!\\n";\n',
  kotlin: 'fun main() {\n    println("Hello, world!")\n}\n',
  csharp:
    'using System;\n\nclass Program {\n    static void Main() {\n        Console.WriteLine("Hello, world!");\n    }\n}\n',
  swift: 'print("Hello, world!")\n',
  haskell: 'main :: IO ()\nmain = putStrLn "Hello, world!"\n',
};

/** The starter program of a language: the server's template, else the page's own, else empty. */
export function starterProgram(entry: LanguageEntry): string {
  return entry.template ?? TEMPLATES[entry.language] ?? '';
}

/** The name people know a language by: the server's display name, else its Piston name. */
export function displayName(entry: LanguageEntry): string {
  return entry.displayName ?? entry.language;
}
