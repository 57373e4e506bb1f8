import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import {
  buildPistonRequest,
  checkSizes,
  runTimeoutFor,
} from '../../src/execution/build-piston-request.js';
import { entryFileName, javaPublicClass } from '../../src/execution/file-names.js';
import { BadRequestError } from '../../src/errors.js';
import type { ResolvedRuntime } from '../../src/runtimes/resolve-runtime.js';
import { ExecuteRequestSchema, type ExecuteRequest } from '../../src/schemas/execute-request.js';

const LIMITS = loadConfig({});
const runtime = (language: string, version = '1.0.0'): ResolvedRuntime => ({
  language,
  version,
  runtime: { language, version, aliases: [] },
});
const body = (input: Record<string, unknown>): ExecuteRequest =>
  ExecuteRequestSchema.parse({ language: 'python', ...input });

describe('entryFileName', () => {
  it.each([
    ['python', 'main.py'],
    ['c++', 'main.cpp'],
    ['c', 'main.c'],
    ['javascript', 'main.js'],
    ['typescript', 'main.ts'],
    ['go', 'main.go'],
    ['rust', 'main.rs'],
    ['bash', 'main.sh'],
    ['sqlite3', 'main.sql'],
    ['brainfuck', 'main.bf'],
    ['a-custom-package', 'main'],
  ])('when the language is %s, then the entry file is %s', (language, name) => {
    expect(entryFileName(language, '')).toBe(name);
  });

  it('when Java declares a public class, then the file is named after it', () => {
    expect(entryFileName('java', 'import x;\npublic final class HelloWorld {\n}')).toBe(
      'HelloWorld.java',
    );
  });

  it('when Java has no public class, then the file is Main.java', () => {
    expect(entryFileName('java', 'class Solution {}')).toBe('Main.java');
  });

  it('when "public class" only appears in comments or strings, then it is ignored', () => {
    const source =
      '// public class Fake {}\n/* public class Other {} */\nclass A { String s = "public class S"; }\npublic class Real {}';
    expect(javaPublicClass(source)).toBe('Real');
  });

  it('when a string holds comment markers, then they do not hide the public class', () => {
    const source = [
      'class Paths { static final String GLOB = "src/*.java", URL = "https://x"; }',
      'public class Main { /** Lists the files. */ void f() {} }',
    ].join('\n');
    expect(javaPublicClass(source)).toBe('Main');
    expect(javaPublicClass("class A { char c = '\"'; }\npublic class B {}")).toBe('B');
    expect(
      javaPublicClass(
        'class T { String s = """\n  public class Fake {}\n  """; }\npublic class C {}',
      ),
    ).toBe('C');
  });

  it('when a comment or text block is never closed, then the rest of the source is inside it', () => {
    // As javac reads it; ending such a comment only at a closing mark made the scan quadratic.
    expect(javaPublicClass('/* draft\npublic class Hidden {}')).toBeUndefined();
    expect(javaPublicClass('class T { String s = """\npublic class Hidden {}')).toBeUndefined();
    expect(entryFileName('java', '/*a'.repeat(30_000))).toBe('Main.java');
  });

  it('when a string or char literal is never closed, then it ends at the end of its line', () => {
    expect(javaPublicClass('class A { String s = "open\npublic class Real {}')).toBe('Real');
    expect(javaPublicClass("class A { char c = 'x\npublic class Real {}")).toBe('Real');
    expect(javaPublicClass('class A { String s = "a\\"\npublic class Real {}')).toBe('Real');
  });

  it('when the public type is a record or interface, then it names the file', () => {
    expect(javaPublicClass('public record Point(int x) {}')).toBe('Point');
    expect(javaPublicClass('public interface Shape {}')).toBe('Shape');
  });
});

describe('buildPistonRequest', () => {
  it('when code is sent, then Piston gets one named file, an exact version and every limit', () => {
    const request = buildPistonRequest(
      body({ code: 'print(1)', stdin: 'x', args: ['a'] }),
      runtime('python', '3.11.2'),
      LIMITS,
    );

    expect(request).toEqual({
      language: 'python',
      version: '3.11.2',
      files: [{ name: 'main.py', content: 'print(1)' }],
      stdin: 'x',
      args: ['a'],
      compile_timeout: 10_000,
      run_timeout: 3000,
      compile_cpu_time: 10_000,
      run_cpu_time: 3000,
      compile_memory_limit: 256_000_000,
      run_memory_limit: 128_000_000,
    });
  });

  it('when files have no names, then the first is the entry point and the rest are numbered', () => {
    const request = buildPistonRequest(
      body({
        files: [
          { content: 'a' },
          { content: 'b' },
          { name: 'file1.py', content: 'c' },
          { content: 'd' },
        ],
      }),
      runtime('python'),
      LIMITS,
    );

    expect(request.files.map((f) => f.name)).toEqual([
      'main.py',
      'file2.py',
      'file1.py',
      'file3.py',
    ]);
  });

  it('when a file is base64, then its encoding is passed on', () => {
    const request = buildPistonRequest(
      body({
        files: [{ content: 'print(1)' }, { name: 'd.bin', content: 'AAE=', encoding: 'base64' }],
      }),
      runtime('python'),
      LIMITS,
    );

    expect(request.files[1]).toEqual({ name: 'd.bin', content: 'AAE=', encoding: 'base64' });
    expect(request.files[0]).not.toHaveProperty('encoding');
  });

  it.each([
    ['base64', Buffer.from('public class Hello {}').toString('base64')],
    ['hex', Buffer.from('public class Hello {}').toString('hex')],
  ] as const)(
    'when the entry file is sent as %s, then Piston gets its text (and Java names it by its class)',
    (encoding, content) => {
      const request = buildPistonRequest(
        body({
          language: 'java',
          files: [
            { content, encoding },
            { name: 'd.bin', content: 'AAE=', encoding: 'base64' },
          ],
        }),
        runtime('java'),
        LIMITS,
      );
      expect(request.files).toEqual([
        { name: 'Hello.java', content: 'public class Hello {}' },
        { name: 'd.bin', content: 'AAE=', encoding: 'base64' },
      ]);
    },
  );

  it('when Java code is sent as files without names, then the entry is named by its class', () => {
    const request = buildPistonRequest(
      body({ language: 'java', files: [{ content: 'public class App {}' }] }),
      runtime('java'),
      LIMITS,
    );
    expect(request.files[0]?.name).toBe('App.java');
  });
});

describe('runTimeoutFor', () => {
  it('when no timeout is asked for, then the default applies', () => {
    expect(runTimeoutFor(body({ code: '' }), LIMITS)).toBe(3000);
  });

  it('when the timeout is above the maximum, then it is clamped', () => {
    expect(runTimeoutFor(body({ code: '', timeout: 60_000 }), LIMITS)).toBe(5000);
    expect(runTimeoutFor(body({ code: '', timeout: 1e20 }), LIMITS)).toBe(5000);
  });

  it('when the timeout is within bounds, then it is kept', () => {
    expect(runTimeoutFor(body({ code: '', timeout: 1234 }), LIMITS)).toBe(1234);
  });
});

describe('checkSizes', () => {
  const small = { ...LIMITS, MAX_CODE_BYTES: 10, MAX_STDIN_BYTES: 4 };

  it('when code is over the limit in bytes, then it is payload_too_large', () => {
    // 4 characters, 12 bytes: the limit is on bytes, not characters.
    expect(() => checkSizes(body({ code: '€€€€' }), small)).toThrow(BadRequestError);
    expect(() => checkSizes(body({ code: '€€€' }), small)).not.toThrow();
  });

  it('when files together are over the limit, then it is payload_too_large', () => {
    expect(() =>
      checkSizes(body({ files: [{ content: '123456' }, { content: '123456' }] }), small),
    ).toThrow(/files is larger than 10 bytes/);
  });

  it('when files are base64 or hex, then they count by their decoded bytes', () => {
    // 16 and 20 characters that stand for 10 bytes each: at the limit, not over it.
    const ten = Buffer.from('0123456789');
    const encoded = (encoding: 'base64' | 'hex', bytes: Buffer) => ({
      content: bytes.toString(encoding),
      encoding,
    });
    expect(() => checkSizes(body({ files: [encoded('base64', ten)] }), small)).not.toThrow();
    expect(() => checkSizes(body({ files: [encoded('hex', ten)] }), small)).not.toThrow();
    const eleven = Buffer.from('0123456789a');
    expect(() => checkSizes(body({ files: [encoded('base64', eleven)] }), small)).toThrow(
      /files is larger than 10 bytes/,
    );
  });

  it('when stdin is over the limit, then it is payload_too_large', () => {
    try {
      checkSizes(body({ code: '', stdin: '12345' }), small);
      expect.unreachable();
    } catch (error) {
      expect((error as BadRequestError).code).toBe('payload_too_large');
      expect((error as BadRequestError).statusCode).toBe(413);
    }
  });
});
