import { cpp } from '@codemirror/lang-cpp';
import { go } from '@codemirror/lang-go';
import { java } from '@codemirror/lang-java';
import { javascript } from '@codemirror/lang-javascript';
import { python } from '@codemirror/lang-python';
import { rust } from '@codemirror/lang-rust';
import { sql } from '@codemirror/lang-sql';
import { StreamLanguage, type StreamParser } from '@codemirror/language';
import { csharp, kotlin, scala, dart } from '@codemirror/legacy-modes/mode/clike';
import { haskell } from '@codemirror/legacy-modes/mode/haskell';
import { lua } from '@codemirror/legacy-modes/mode/lua';
import { perl } from '@codemirror/legacy-modes/mode/perl';
import { r } from '@codemirror/legacy-modes/mode/r';
import { ruby } from '@codemirror/legacy-modes/mode/ruby';
import { shell } from '@codemirror/legacy-modes/mode/shell';
import { swift } from '@codemirror/legacy-modes/mode/swift';
import type { Extension } from '@codemirror/state';
import type { LanguageEntry } from '../shared/types.js';

const legacy = (parser: StreamParser<unknown>) => () => StreamLanguage.define(parser);

/** Editor modes by CodeMirror id or Piston language name. */
const MODES: Readonly<Record<string, () => Extension>> = {
  python: () => python(),
  javascript: () => javascript(),
  typescript: () => javascript({ typescript: true }),
  cpp: () => cpp(),
  c: () => cpp(),
  'c++': () => cpp(),
  java: () => java(),
  rust: () => rust(),
  go: () => go(),
  sql: () => sql(),
  sqlite3: () => sql(),
  bash: legacy(shell),
  shell: legacy(shell),
  ruby: legacy(ruby),
  csharp: legacy(csharp),
  'csharp.net': legacy(csharp),
  kotlin: legacy(kotlin),
  scala: legacy(scala),
  dart: legacy(dart),
  haskell: legacy(haskell),
  lua: legacy(lua),
  perl: legacy(perl),
  r: legacy(r),
  rscript: legacy(r),
  swift: legacy(swift),
};

/** The editor mode for a language: the id the server names, else by the language's name. */
export function editorMode(entry: LanguageEntry | undefined): Extension {
  if (entry === undefined) return [];
  const id = entry.editor?.codemirror ?? '';
  const mode = MODES[id] ?? MODES[entry.language];
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
