/** An execute request the README shows, and the output it promises. */
export interface ReadmeExample {
  name: string;
  body: Record<string, unknown>;
  output: string;
}

/**
 * The `POST /api/execute` examples of README.md, exactly as its curl commands send them (a test
 * checks that README and this list show the same requests, so they cannot drift apart).
 */
export const README_EXAMPLES: readonly ReadmeExample[] = [
  {
    name: 'hello world (Quick start)',
    body: { language: 'python', code: 'print("Hello, World!")' },
    output: 'Hello, World!\n',
  },
  {
    name: 'multi-file with a base64 data file',
    body: {
      language: 'python',
      files: [
        { name: 'main.py', content: 'print(open("data.txt").read())' },
        { name: 'data.txt', content: 'SGVsbG8gZnJvbSBiYXNlNjQh', encoding: 'base64' },
      ],
    },
    output: 'Hello from base64!\n',
  },
  {
    name: 'a program sent as base64',
    body: { language: 'python', files: [{ content: 'cHJpbnQoImhpIik=', encoding: 'base64' }] },
    output: 'hi\n',
  },
];

/** A program that prints a known line in one language. */
export interface HelloProgram {
  code: string;
  /** The output must contain this. */
  expect: string;
}

/**
 * A hello-world per language of `piston/runtimes.json`, run once per installed runtime, so a
 * runtime that is listed but cannot compile or run (a broken package, a sandbox without exec
 * rights in /tmp) shows up. Languages not here are listed as skipped.
 */
export const HELLO_PROGRAMS: Readonly<Record<string, HelloProgram>> = {
  python: { code: 'print("Hello, World!")', expect: 'Hello, World!' },
  javascript: { code: 'console.log("Hello from " + process.version)', expect: 'Hello from ' },
  typescript: {
    code: 'const greeting: string = "Hello, TypeScript!";\nconsole.log(greeting);\n',
    expect: 'Hello, TypeScript!',
  },
  c: {
    code: '#include <stdio.h>\nint main(void) {\n    printf("Hello, C!\\n");\n    return 0;\n}\n',
    expect: 'Hello, C!',
  },
  'c++': {
    code: '#include <iostream>\nint main() {\n    std::cout << "Hello, C++!" << std::endl;\n    return 0;\n}\n',
    expect: 'Hello, C++!',
  },
  java: {
    code: 'public class Main {\n    public static void main(String[] args) {\n        System.out.println("Hello, Java!");\n    }\n}\n',
    expect: 'Hello, Java!',
  },
  go: {
    code: 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("Hello, Go!")\n}\n',
    expect: 'Hello, Go!',
  },
  rust: { code: 'fn main() {\n    println!("Hello, Rust!");\n}\n', expect: 'Hello, Rust!' },
  ruby: { code: 'puts "Hello, Ruby!"', expect: 'Hello, Ruby!' },
  bash: { code: 'echo "Hello from bash $BASH_VERSION"', expect: 'Hello from bash' },
  sqlite3: {
    code: "select 'Hello from sqlite ' || sqlite_version();",
    expect: 'Hello from sqlite',
  },
};
