import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BadRequestError } from '../../src/errors.js';
import { MAX_DETAILS, parseBody } from '../../src/middleware/validate.js';
import { ExecuteRequestSchema } from '../../src/schemas/execute-request.js';

/** The `details` of the 400 that parseBody throws for this body. */
function details(body: unknown, schema: z.ZodType = ExecuteRequestSchema): unknown {
  try {
    parseBody(schema, body);
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestError);
    return (error as BadRequestError).details;
  }
  throw new Error('the body was accepted');
}

const hello = { language: 'python', code: 'print(1)' };

describe('parseBody messages', () => {
  it.each([
    [{ ...hello, code: 5 }, 'code', 'must be a string, not a number'],
    [{ ...hello, stdin: null }, 'stdin', 'must be a string, not null'],
    [{ ...hello, args: 'a b' }, 'args', 'must be an array, not a string'],
    [{ ...hello, args: [{}] }, 'args.0', 'must be a string, not an object'],
    [{ ...hello, cache: 'no' }, 'cache', 'must be a boolean, not a string'],
    [{ ...hello, timeout: '100' }, 'timeout', 'must be a number, not a string'],
    [{ code: 'x' }, 'language', 'is required'],
    [{ ...hello, version: '1'.repeat(65) }, 'version', 'must have at most 64 characters'],
    [{ ...hello, language: 'p'.repeat(65) }, 'language', 'must have at most 64 characters'],
    [{ ...hello, args: Array(65).fill('a') }, 'args', 'must have at most 64 items'],
    [{ language: 'python', files: [] }, 'files', 'must not be empty'],
    [
      { language: 'python', files: [{ content: 'x', encoding: 'latin1' }] },
      'files.0.encoding',
      'must be one of "utf8", "base64", "hex"',
    ],
  ])('when the body is %j, then %s says "%s" and nothing else', (body, field, message) => {
    expect(details(body)).toEqual([{ field, message }]);
  });

  it('when the body is an array, then the body itself must be an object', () => {
    expect(details([])).toEqual([{ field: 'body', message: 'must be an object, not an array' }]);
  });

  it('when a body has thousands of problems, then the first ones are listed and the rest counted', () => {
    const unknown = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]));

    const listed = details({ ...hello, ...unknown }) as { field?: string; message: string }[];

    expect(listed).toHaveLength(MAX_DETAILS + 1);
    expect(listed[0]).toEqual({ field: 'k0', message: 'is not a recognised field' });
    expect(listed.at(-1)).toEqual({
      message: `and ${5000 - MAX_DETAILS} more problems not listed`,
    });
  });

  it('when a body has exactly as many problems as are listed, then nothing is counted as more', () => {
    const unknown = Object.fromEntries(Array.from({ length: MAX_DETAILS }, (_, i) => [`k${i}`, i]));

    expect(details({ ...hello, ...unknown })).toHaveLength(MAX_DETAILS);
  });

  it("when a schema sets its own message, then that message wins over the map's", () => {
    expect(details({ ...hello, timeout: 0 })).toEqual([
      { field: 'timeout', message: 'must be a positive number of milliseconds' },
    ]);
  });

  it.each([
    [z.number().min(2), 1, 'must be at least 2'],
    [z.number().max(2), 3, 'must be at most 2'],
    [z.number().positive(), -1, 'must be greater than 0'],
    [z.array(z.number()).min(2), [1], 'must have at least 2 items'],
    [z.string().min(2), 'a', 'must have at least 2 characters'],
  ])('when a bound on %s is broken by %j, then it says "%s"', (schema, value, message) => {
    expect(details({ value }, z.object({ value: schema }))).toEqual([{ field: 'value', message }]);
  });
});
