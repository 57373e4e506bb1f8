import { describe, expect, it } from 'vitest';
import { ExecuteRequestSchema } from '../../src/schemas/execute-request.js';

const parse = (input: unknown) => ExecuteRequestSchema.safeParse(input);
const fields = (input: unknown) => {
  const result = parse(input);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
};

describe('ExecuteRequestSchema', () => {
  it('when only language and code are sent, then stdin and args get defaults', () => {
    expect(parse({ language: 'python', code: 'x' }).data).toEqual({
      language: 'python',
      code: 'x',
      stdin: '',
      args: [],
    });
  });

  it('when the version is empty or blank, then it means the newest, as leaving it out does', () => {
    for (const version of ['', '  ']) {
      const result = parse({ language: 'python', code: 'x', version });
      expect(result.success).toBe(true);
      expect(result.data?.version).toBeUndefined();
    }
    expect(parse({ language: 'python', code: 'x', version: ' 3.x ' }).data?.version).toBe('3.x');
  });

  it('when an argument holds NUL, then it is refused by position; other control characters pass', () => {
    expect(fields({ language: 'python', code: 'x', args: ['ok', 'a\u0000b'] })).toEqual(['args.1']);
    expect(
      parse({ language: 'python', code: 'x', args: ['tab\tnew\nline\u001b[0m'] }).success,
    ).toBe(true);
    expect(parse({ language: 'python', code: 'x', stdin: 'nul \u0000 in stdin' }).success).toBe(
      true,
    );
  });

  it('when the timeout is a whole number past the safe-integer range, then it is accepted (and clamped later)', () => {
    expect(parse({ language: 'python', code: 'x', timeout: 1e20 }).data?.timeout).toBe(1e20);
  });

  it.each([
    [{ language: 'python' }, 'code'],
    [{ language: 'python', code: 'x', files: [{ content: 'x' }] }, 'code'],
    [{ code: 'x' }, 'language'],
    [{ language: '', code: 'x' }, 'language'],
    [{ language: 'python', code: 1 }, 'code'],
    [{ language: 'python', code: 'x', timeout: 0 }, 'timeout'],
    [{ language: 'python', code: 'x', timeout: -5 }, 'timeout'],
    [{ language: 'python', code: 'x', timeout: 1.5 }, 'timeout'],
    [{ language: 'python', code: 'x', timeout: '1000' }, 'timeout'],
    [{ language: 'python', code: 'x', args: 'a b' }, 'args'],
    [{ language: 'python', code: 'x', args: [1] }, 'args.0'],
    [{ language: 'python', files: [] }, 'files'],
    [{ language: 'python', files: {} }, 'files'],
    [{ language: 'python', files: [{ name: 'main.py' }] }, 'files.0.content'],
    [{ language: 'python', files: [{ name: '../etc/passwd', content: '' }] }, 'files.0.name'],
    [{ language: 'python', files: [{ name: 'a/b.py', content: '' }] }, 'files.0.name'],
    [{ language: 'python', files: [{ name: 'a\\b.py', content: '' }] }, 'files.0.name'],
    [{ language: 'python', files: [{ name: '..', content: '' }] }, 'files.0.name'],
    [{ language: 'python', files: [{ name: '', content: '' }] }, 'files.0.name'],
    [{ language: 'python', files: [{ name: 'a\nb', content: '' }] }, 'files.0.name'],
    [{ language: 'python', files: [{ content: 'x', encoding: 'latin1' }] }, 'files.0.encoding'],
    [
      { language: 'python', files: [{ content: 'x' }, { content: '***', encoding: 'base64' }] },
      'files.1.content',
    ],
    [
      { language: 'python', files: [{ content: 'x' }, { content: 'xyz', encoding: 'hex' }] },
      'files.1.content',
    ],
    // The entry file must be text: 0xff is no UTF-8, whichever way it is encoded.
    [{ language: 'python', files: [{ content: '/w==', encoding: 'base64' }] }, 'files.0.content'],
    [
      { language: 'python', files: [{ content: 'ff', encoding: 'hex' }, { content: 'x' }] },
      'files.0.content',
    ],
    [
      {
        language: 'python',
        files: [
          { name: 'a.py', content: '' },
          { name: 'a.py', content: '' },
        ],
      },
      'files.1.name',
    ],
  ])('when the body is %j, then %s is reported', (input, field) => {
    expect(fields(input)).toContain(field);
  });

  it('when a field is unknown, then it is reported by name', () => {
    const result = parse({ language: 'python', code: 'x', timout: 5 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['timout'] });
  });

  it.each([null, [], 'text', 42, true])('when the body is %j, then it is rejected', (input) => {
    expect(parse(input).success).toBe(false);
  });

  it.each([
    ['base64', 'cHJpbnQoImhpIik='],
    ['hex', '7072696e7428226869222920'],
  ])('when the entry file is %s of UTF-8 text, then it is accepted', (encoding, content) => {
    expect(parse({ language: 'python', files: [{ content, encoding }] }).success).toBe(true);
  });

  it('when files are valid base64 and hex, then they are accepted', () => {
    const result = parse({
      language: 'python',
      files: [
        { content: 'print(1)' },
        { name: 'a', content: 'SGVsbG8=', encoding: 'base64' },
        { name: 'b', content: '48656c6c6f', encoding: 'hex' },
      ],
    });
    expect(result.success).toBe(true);
  });
});
