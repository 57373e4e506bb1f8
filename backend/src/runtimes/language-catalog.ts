/**
 * What editors need to know about each language Piston packages, beyond its name: the name people
 * read, the source-file extension, the editor language ids and a hello-world program.
 *
 * One entry per language name Piston's packages provide (github.com/engineer-man/piston,
 * `packages/<package>/<version>/metadata.json`, `language` or `provides[].language`). `codemirror` ids are either one of the
 * `@codemirror/lang-*` packages the playground bundles (python, javascript, typescript, cpp, java,
 * rust, go, sql) or the name of a StreamLanguage export of `@codemirror/legacy-modes` (`shell`,
 * `ruby`, `csharp`, ...); `monaco` ids are Monaco's built-in language ids. Templates print
 * `Hello, World!`; a language with no template is one whose hello world could not be vouched for.
 */
export interface LanguageInfo {
  displayName: string;
  /** Source-file extension, without the dot (absent for a language the catalog does not know). */
  extension?: string;
  editor: { codemirror?: string; monaco?: string };
  template?: string;
}

const CSHARP = `using System;

public class Program
{
    public static void Main(string[] args)
    {
        Console.WriteLine("Hello, World!");
    }
}
`;

const VISUAL_BASIC = `Imports System

Module Program
    Sub Main()
        Console.WriteLine("Hello, World!")
    End Sub
End Module
`;

const NASM_DATA = `SECTION .data
message: db 'Hello, World!', 10
length:  equ $ - message

SECTION .text
GLOBAL _start

_start:
`;

/** The catalog, by Piston language name. */
export const LANGUAGE_CATALOG: Readonly<Record<string, LanguageInfo>> = {
  awk: {
    displayName: 'AWK',
    extension: 'awk',
    editor: {},
    template: 'BEGIN { print "Hello, World!" }\n',
  },
  bash: {
    displayName: 'Bash',
    extension: 'sh',
    editor: { codemirror: 'shell', monaco: 'shell' },
    template: 'echo "Hello, World!"\n',
  },
  basic: {
    displayName: 'Visual Basic (Mono)',
    extension: 'vb',
    editor: { codemirror: 'vb', monaco: 'vb' },
    template: VISUAL_BASIC,
  },
  'basic.net': {
    displayName: 'Visual Basic .NET',
    extension: 'vb',
    editor: { codemirror: 'vb', monaco: 'vb' },
    template: VISUAL_BASIC,
  },
  befunge93: {
    displayName: 'Befunge-93',
    extension: 'b93',
    editor: {},
    // Pushes a newline (5*2) and the text reversed, then prints characters until the stack is 0.
    template: '52*"!dlroW ,olleH">:#,_@\n',
  },
  bqn: {
    displayName: 'BQN',
    extension: 'bqn',
    editor: {},
    template: '•Out "Hello, World!"\n',
  },
  brachylog: {
    displayName: 'Brachylog',
    extension: 'brachylog',
    editor: {},
    template: '"Hello, World!"w\n',
  },
  brainfuck: {
    displayName: 'Brainfuck',
    extension: 'bf',
    editor: { codemirror: 'brainfuck' },
    template:
      '><+++++++[>++++++++++<-]>++.<++[>++++++++++<-]>+++++++++.+++++++..+++.' +
      '<++++++[>----------<-]>-------.<+[>----------<-]>--.<+++++[>++++++++++<-]>+++++.' +
      '<++[>++++++++++<-]>++++.+++.------.--------.<++++++[>----------<-]>-------.' +
      '<++[>----------<-]>---.\n',
  },
  c: {
    displayName: 'C',
    extension: 'c',
    editor: { codemirror: 'cpp', monaco: 'c' },
    template:
      '#include <stdio.h>\n\nint main(void) {\n    printf("Hello, World!\\n");\n    return 0;\n}\n',
  },
  'c++': {
    displayName: 'C++',
    extension: 'cpp',
    editor: { codemirror: 'cpp', monaco: 'cpp' },
    template:
      '#include <iostream>\n\nint main() {\n    std::cout << "Hello, World!" << std::endl;\n    return 0;\n}\n',
  },
  cjam: { displayName: 'CJam', extension: 'cjam', editor: {}, template: '"Hello, World!"\n' },
  clojure: {
    displayName: 'Clojure',
    extension: 'clj',
    editor: { codemirror: 'clojure', monaco: 'clojure' },
    template: '(println "Hello, World!")\n',
  },
  cobol: {
    displayName: 'COBOL',
    extension: 'cob',
    editor: { codemirror: 'cobol' },
    template:
      'identification division.\nprogram-id. hello.\n\nprocedure division.\ndisplay "Hello, World!"\ngoback.\nend program hello.\n',
  },
  coffeescript: {
    displayName: 'CoffeeScript',
    extension: 'coffee',
    editor: { codemirror: 'coffeeScript' },
    template: 'console.log "Hello, World!"\n',
  },
  cow: { displayName: 'COW', extension: 'cow', editor: {} },
  crystal: {
    displayName: 'Crystal',
    extension: 'cr',
    editor: { codemirror: 'crystal' },
    template: 'puts "Hello, World!"\n',
  },
  csharp: {
    displayName: 'C# (Mono)',
    extension: 'cs',
    editor: { codemirror: 'csharp', monaco: 'csharp' },
    template: CSHARP,
  },
  'csharp.net': {
    displayName: 'C# (.NET)',
    extension: 'cs',
    editor: { codemirror: 'csharp', monaco: 'csharp' },
    template: CSHARP,
  },
  d: {
    displayName: 'D',
    extension: 'd',
    editor: { codemirror: 'd' },
    template: 'import std.stdio;\n\nvoid main() {\n    writeln("Hello, World!");\n}\n',
  },
  dart: {
    displayName: 'Dart',
    extension: 'dart',
    editor: { codemirror: 'dart', monaco: 'dart' },
    template: "void main() {\n  print('Hello, World!');\n}\n",
  },
  dash: {
    displayName: 'Dash',
    extension: 'dash',
    editor: { codemirror: 'shell', monaco: 'shell' },
    template: 'echo "Hello, World!"\n',
  },
  dragon: {
    displayName: 'Dragon',
    extension: 'dragon',
    editor: {},
    template: 'showln "Hello, World!"\n',
  },
  elixir: {
    displayName: 'Elixir',
    extension: 'exs',
    editor: { monaco: 'elixir' },
    template: 'IO.puts("Hello, World!")\n',
  },
  emacs: {
    displayName: 'Emacs Lisp',
    extension: 'el',
    editor: { codemirror: 'commonLisp' },
    template: '(princ "Hello, World!\\n")\n',
  },
  emojicode: {
    displayName: 'Emojicode',
    extension: 'emojic',
    editor: {},
    template: '🏁 🍇\n  😀 🔤Hello, World!🔤❗️\n🍉\n',
  },
  erlang: {
    displayName: 'Erlang',
    extension: 'erl',
    editor: { codemirror: 'erlang' },
    template: 'main(_) ->\n    io:format("Hello, World!~n").\n',
  },
  file: { displayName: 'Executable file', extension: 'file', editor: {} },
  forte: {
    displayName: 'Forte',
    extension: 'forte',
    editor: {},
    template: '1 PRINT "Hello, World!"\n2 END\n',
  },
  forth: {
    displayName: 'Forth',
    extension: 'forth',
    editor: { codemirror: 'forth' },
    template: '.( Hello, World!) cr bye\n',
  },
  fortran: {
    displayName: 'Fortran',
    extension: 'f90',
    editor: { codemirror: 'fortran' },
    template: "program hello\n  print '(a)', 'Hello, World!'\nend program hello\n",
  },
  freebasic: {
    displayName: 'FreeBASIC',
    extension: 'bas',
    editor: { codemirror: 'vb' },
    template: 'PRINT "Hello, World!"\n',
  },
  'fsharp.net': {
    displayName: 'F# (.NET)',
    extension: 'fs',
    editor: { codemirror: 'fSharp', monaco: 'fsharp' },
    template: 'printfn "Hello, World!"\n',
  },
  fsi: {
    displayName: 'F# Interactive',
    extension: 'fsx',
    editor: { codemirror: 'fSharp', monaco: 'fsharp' },
    template: 'printfn "Hello, World!"\n',
  },
  go: {
    displayName: 'Go',
    extension: 'go',
    editor: { codemirror: 'go', monaco: 'go' },
    template: 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("Hello, World!")\n}\n',
  },
  golfscript: {
    displayName: 'GolfScript',
    extension: 'golfscript',
    editor: {},
    template: '"Hello, World!"\n',
  },
  groovy: {
    displayName: 'Groovy',
    extension: 'groovy',
    editor: { codemirror: 'groovy' },
    template: "println 'Hello, World!'\n",
  },
  haskell: {
    displayName: 'Haskell',
    extension: 'hs',
    editor: { codemirror: 'haskell' },
    template: 'main :: IO ()\nmain = putStrLn "Hello, World!"\n',
  },
  husk: { displayName: 'Husk', extension: 'husk', editor: {} },
  iverilog: {
    displayName: 'Verilog (Icarus)',
    extension: 'v',
    editor: { codemirror: 'verilog', monaco: 'systemverilog' },
    template:
      'module hello;\n  initial\n    begin\n      $display("Hello, World!");\n      $finish;\n    end\nendmodule\n',
  },
  japt: { displayName: 'Japt', extension: 'japt', editor: {} },
  java: {
    displayName: 'Java',
    extension: 'java',
    editor: { codemirror: 'java', monaco: 'java' },
    template:
      'public class Main {\n    public static void main(String[] args) {\n        System.out.println("Hello, World!");\n    }\n}\n',
  },
  javascript: {
    displayName: 'JavaScript',
    extension: 'js',
    editor: { codemirror: 'javascript', monaco: 'javascript' },
    template: "console.log('Hello, World!');\n",
  },
  jelly: { displayName: 'Jelly', extension: 'jelly', editor: {}, template: '“Hello, World!”\n' },
  julia: {
    displayName: 'Julia',
    extension: 'jl',
    editor: { codemirror: 'julia', monaco: 'julia' },
    template: 'println("Hello, World!")\n',
  },
  kotlin: {
    displayName: 'Kotlin',
    extension: 'kt',
    editor: { codemirror: 'kotlin', monaco: 'kotlin' },
    template: 'fun main() {\n    println("Hello, World!")\n}\n',
  },
  lisp: {
    displayName: 'Common Lisp',
    extension: 'cl',
    editor: { codemirror: 'commonLisp' },
    template: '(write-line "Hello, World!")\n',
  },
  llvm_ir: {
    displayName: 'LLVM IR',
    extension: 'll',
    editor: {},
    template:
      '@.str = private unnamed_addr constant [14 x i8] c"Hello, World!\\00"\n\n' +
      'declare i32 @puts(i8* nocapture) nounwind\n\n' +
      'define i32 @main() {\n' +
      '    %text = getelementptr [14 x i8], [14 x i8]* @.str, i64 0, i64 0\n' +
      '    call i32 @puts(i8* %text)\n' +
      '    ret i32 0\n}\n',
  },
  lolcode: {
    displayName: 'LOLCODE',
    extension: 'lol',
    editor: {},
    template: 'HAI 1.2\n  CAN HAS STDIO?\n  VISIBLE "Hello, World!"\nKTHXBYE\n',
  },
  lua: {
    displayName: 'Lua',
    extension: 'lua',
    editor: { codemirror: 'lua', monaco: 'lua' },
    template: 'print("Hello, World!")\n',
  },
  matl: { displayName: 'MATL', extension: 'matl', editor: {}, template: "'Hello, World!'\n" },
  nasm: {
    displayName: 'Assembly (NASM, x86)',
    extension: 'asm',
    editor: {},
    template: `${NASM_DATA}mov eax, 4\nmov ebx, 1\nmov ecx, message\nmov edx, length\nint 80h\nmov eax, 1\nmov ebx, 0\nint 80h\n`,
  },
  nasm64: {
    displayName: 'Assembly (NASM, x86-64)',
    extension: 'asm',
    editor: {},
    template: `${NASM_DATA}mov rax, 1\nmov rdi, 1\nmov rsi, message\nmov rdx, length\nsyscall\nmov rax, 60\nxor rdi, rdi\nsyscall\n`,
  },
  nim: {
    displayName: 'Nim',
    extension: 'nim',
    editor: {},
    template: 'echo "Hello, World!"\n',
  },
  ocaml: {
    displayName: 'OCaml',
    extension: 'ml',
    editor: { codemirror: 'oCaml' },
    template: 'print_endline "Hello, World!"\n',
  },
  octave: {
    displayName: 'Octave',
    extension: 'm',
    editor: { codemirror: 'octave' },
    template: "disp('Hello, World!')\n",
  },
  osabie: { displayName: '05AB1E', extension: 'osabie', editor: {}, template: '"Hello, World!\n' },
  paradoc: {
    displayName: 'Paradoc',
    extension: 'paradoc',
    editor: {},
    template: '"Hello, World!"\n',
  },
  pascal: {
    displayName: 'Pascal',
    extension: 'pp',
    editor: { codemirror: 'pascal', monaco: 'pascal' },
    template: "program hello;\n\nbegin\n    writeln('Hello, World!');\nend.\n",
  },
  perl: {
    displayName: 'Perl',
    extension: 'pl',
    editor: { codemirror: 'perl', monaco: 'perl' },
    template: 'print "Hello, World!\\n";\n',
  },
  php: {
    displayName: 'PHP',
    extension: 'php',
    editor: { monaco: 'php' },
    template: '<?php\n\necho "Hello, World!\\n";\n',
  },
  ponylang: {
    displayName: 'Pony',
    extension: 'pony',
    editor: {},
    template: 'actor Main\n  new create(env: Env) =>\n    env.out.print("Hello, World!")\n',
  },
  powershell: {
    displayName: 'PowerShell',
    extension: 'ps1',
    editor: { codemirror: 'powerShell', monaco: 'powershell' },
    template: 'Write-Output "Hello, World!"\n',
  },
  prolog: {
    displayName: 'Prolog',
    extension: 'pl',
    editor: {},
    template: ":- write('Hello, World!'), nl.\n",
  },
  pure: {
    displayName: 'Pure',
    extension: 'pure',
    editor: {},
    template: 'using system;\nputs "Hello, World!";\n',
  },
  pyth: { displayName: 'Pyth', extension: 'pyth', editor: {}, template: '"Hello, World!\n' },
  python: {
    displayName: 'Python',
    extension: 'py',
    editor: { codemirror: 'python', monaco: 'python' },
    template: 'print("Hello, World!")\n',
  },
  python2: {
    displayName: 'Python 2',
    extension: 'py',
    editor: { codemirror: 'python', monaco: 'python' },
    template: 'print "Hello, World!"\n',
  },
  racket: {
    displayName: 'Racket',
    extension: 'rkt',
    editor: { codemirror: 'scheme', monaco: 'scheme' },
    template: '#lang racket\n\n(displayln "Hello, World!")\n',
  },
  raku: {
    displayName: 'Raku',
    extension: 'raku',
    editor: {},
    template: 'say "Hello, World!";\n',
  },
  retina: { displayName: 'Retina', extension: 'ret', editor: {}, template: 'K`Hello, World!\n' },
  rockstar: {
    displayName: 'Rockstar',
    extension: 'rock',
    editor: {},
    template: 'Say "Hello, World!"\n',
  },
  rscript: {
    displayName: 'R',
    extension: 'r',
    editor: { codemirror: 'r', monaco: 'r' },
    template: 'cat("Hello, World!\\n")\n',
  },
  ruby: {
    displayName: 'Ruby',
    extension: 'rb',
    editor: { codemirror: 'ruby', monaco: 'ruby' },
    template: 'puts "Hello, World!"\n',
  },
  rust: {
    displayName: 'Rust',
    extension: 'rs',
    editor: { codemirror: 'rust', monaco: 'rust' },
    template: 'fn main() {\n    println!("Hello, World!");\n}\n',
  },
  samarium: {
    displayName: 'Samarium',
    extension: 'sm',
    editor: {},
    template: '=> * {\n    "Hello, World!"!;\n}\n',
  },
  scala: {
    displayName: 'Scala',
    extension: 'scala',
    editor: { codemirror: 'scala', monaco: 'scala' },
    template: '@main def hello(): Unit = {\n  println("Hello, World!")\n}\n',
  },
  smalltalk: {
    displayName: 'Smalltalk',
    extension: 'st',
    editor: { codemirror: 'smalltalk', monaco: 'st' },
    template: "'Hello, World!' displayNl.\n",
  },
  sqlite3: {
    displayName: 'SQLite',
    extension: 'sql',
    editor: { codemirror: 'sql', monaco: 'sql' },
    template: "SELECT 'Hello, World!';\n",
  },
  swift: {
    displayName: 'Swift',
    extension: 'swift',
    editor: { codemirror: 'swift', monaco: 'swift' },
    template: 'print("Hello, World!")\n',
  },
  typescript: {
    displayName: 'TypeScript',
    extension: 'ts',
    editor: { codemirror: 'typescript', monaco: 'typescript' },
    template: "console.log('Hello, World!');\n",
  },
  vlang: {
    displayName: 'V',
    extension: 'v',
    editor: {},
    template: "fn main() {\n  println('Hello, World!')\n}\n",
  },
  vyxal: { displayName: 'Vyxal', extension: 'vyxal', editor: {}, template: '`Hello, World!`\n' },
  yeethon: {
    displayName: 'Yeethon',
    extension: 'py',
    editor: { codemirror: 'python', monaco: 'python' },
    template: 'print("Hello, World!")\n',
  },
  zig: {
    displayName: 'Zig',
    extension: 'zig',
    editor: {},
    template:
      'const std = @import("std");\n\npub fn main() !void {\n    const stdout = std.io.getStdOut().writer();\n    try stdout.print("Hello, World!\\n", .{});\n}\n',
  },
};

/**
 * The editor fields of a `GET /api/execute/languages` entry: the catalog's, or for a language the
 * catalog does not know (a custom Piston package) its own name and no extension, ids or template.
 */
export function languageDetails(language: string): LanguageInfo {
  const info = LANGUAGE_CATALOG[language];
  if (!info) return { displayName: language, editor: {} };
  return { ...info, editor: { ...info.editor } };
}
