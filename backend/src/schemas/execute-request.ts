import { isUtf8 } from 'node:buffer';
import { z } from 'zod';

/** Limits on list sizes that keep one request's work bounded, independent of byte limits. */
export const MAX_FILES = 32;
export const MAX_ARGS = 64;
const MAX_ARG_LENGTH = 4096;
const MAX_FILE_NAME_LENGTH = 128;

const FileNameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(MAX_FILE_NAME_LENGTH)
  .refine((name) => !/[/\\]/.test(name), 'must not contain path separators')
  .refine((name) => name !== '.' && !name.includes('..'), 'must not contain ".."')
  // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
  .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), 'must not contain control characters');

/**
 * One command-line argument. NUL cannot be in one: arguments reach the program through execve(2)
 * as C strings, and Piston's spawn() throws on it, which failed the job with a 502. Every other
 * character, control characters included, is a valid argument byte and is passed as it is.
 */
const ArgSchema = z
  .string()
  .max(MAX_ARG_LENGTH)
  .refine(
    (arg) => !arg.includes('\u0000'),
    'must not contain the NUL character (\\u0000): command-line arguments cannot carry it',
  );

export const SourceFileSchema = z.strictObject({
  name: FileNameSchema.optional(),
  content: z.string(),
  encoding: z.enum(['utf8', 'base64', 'hex']).default('utf8'),
});

/** The body of `POST /api/execute`. */
export const ExecuteRequestSchema = z
  .strictObject({
    language: z.string().trim().min(1, 'is required').max(64),
    // "" (or only spaces) means what leaving it out means: the newest installed version.
    version: z
      .string()
      .trim()
      .max(64)
      .optional()
      .transform((version) => version || undefined),
    code: z.string().optional(),
    files: z.array(SourceFileSchema).min(1).max(MAX_FILES).optional(),
    stdin: z.string().default(''),
    args: z.array(ArgSchema).max(MAX_ARGS).default([]),
    cache: z.boolean().optional(),
    // Any whole number: one past the safe-integer range is still clamped to MAX_RUN_TIMEOUT_MS
    // like any other too-large timeout (zod's `.int()` would call 1e20 "not a whole number").
    timeout: z
      .number()
      .refine(Number.isInteger, 'must be a whole number of milliseconds')
      .positive('must be a positive number of milliseconds')
      .optional(),
  })
  .superRefine((body, ctx) => {
    if ((body.code === undefined) === (body.files === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['code'],
        message: 'send exactly one of "code" (a string) or "files" (an array)',
      });
    }
    if (body.files) checkFiles(body.files, ctx);
  });

export type ExecuteRequest = z.infer<typeof ExecuteRequestSchema>;
export type SourceFile = z.infer<typeof SourceFileSchema>;

function checkFiles(files: SourceFile[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  files.forEach((file, index) => {
    if (file.name !== undefined) {
      if (seen.has(file.name)) {
        ctx.addIssue({ code: 'custom', path: ['files', index, 'name'], message: 'is a duplicate' });
      }
      seen.add(file.name);
    }
    if (!isValidEncoding(file.content, file.encoding)) {
      ctx.addIssue({
        code: 'custom',
        path: ['files', index, 'content'],
        message: `is not valid ${file.encoding}`,
      });
    }
  });
  // The entry file is the program itself: sent as base64 or hex, it must be UTF-8 text once
  // decoded, because the gateway hands it to Piston as text (Piston runs only utf8 programs).
  const entry = files[0];
  if (entry && isValidEncoding(entry.content, entry.encoding) && decodeText(entry) === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['files', 0, 'content'],
      message:
        'decodes to bytes that are not UTF-8 text; the first file is the program and must be text',
    });
  }
}

/**
 * A file's content as text: utf8 content as it is, base64 or hex content decoded, or undefined
 * when the decoded bytes are not valid UTF-8.
 */
export function decodeText(file: Pick<SourceFile, 'content' | 'encoding'>): string | undefined {
  if (file.encoding === 'utf8') return file.content;
  const bytes = Buffer.from(file.content, file.encoding);
  return isUtf8(bytes) ? bytes.toString('utf8') : undefined;
}

function isValidEncoding(content: string, encoding: SourceFile['encoding']): boolean {
  switch (encoding) {
    case 'utf8':
      return true;
    case 'base64':
      return /^[A-Za-z0-9+/]*={0,2}$/.test(content) && content.length % 4 === 0;
    case 'hex':
      return /^(?:[0-9a-fA-F]{2})*$/.test(content);
  }
}
