import { z } from 'zod';

/** Outcome of an execution, derived from Piston's stage objects. */
export const EXECUTION_STATUSES = [
  'ok',
  'compile_error',
  'runtime_error',
  'timeout',
  'output_limit',
  'killed',
  'internal_error',
] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

/** One stage (compile or run) as the gateway reports it. */
export const StageResultSchema = z.strictObject({
  stdout: z.string(),
  stderr: z.string(),
  exitCode: z.number().nullable(),
  signal: z.string().nullable(),
  cpuTimeMs: z.number().nullable(),
  wallTimeMs: z.number().nullable(),
  memoryBytes: z.number().nullable(),
});
export type StageResult = z.infer<typeof StageResultSchema>;

/** The 200 body of `POST /api/execute`: the program ran, whatever it did. */
export const ExecuteResponseSchema = z.strictObject({
  success: z.boolean(),
  output: z.string(),
  stderr: z.string(),
  exitCode: z.number().nullable(),
  signal: z.string().nullable(),
  status: z.enum(EXECUTION_STATUSES),
  error: z.string().optional(),
  language: z.string(),
  version: z.string(),
  compile: StageResultSchema.optional(),
  run: StageResultSchema.optional(),
  truncated: z.boolean(),
});
export type ExecuteResponse = z.infer<typeof ExecuteResponseSchema>;

/** One installed runtime, with what an editor needs to offer it. */
export const LanguageEntrySchema = z.strictObject({
  language: z
    .string()
    .meta({ description: 'The name Piston knows the language by', examples: ['c++'] }),
  version: z.string().meta({ description: 'The installed version', examples: ['12.2.0'] }),
  aliases: z.array(z.string()).meta({ description: 'Other names POST /api/execute accepts' }),
  displayName: z.string().meta({ description: 'The name people read', examples: ['C++'] }),
  extension: z
    .string()
    .optional()
    .meta({ description: 'Source-file extension, without the dot', examples: ['cpp'] }),
  editor: z
    .strictObject({
      codemirror: z.string().optional().meta({
        description:
          'A @codemirror/lang-* package (python, javascript, typescript, cpp, java, rust, go, sql) or a StreamLanguage export of @codemirror/legacy-modes',
      }),
      monaco: z.string().optional().meta({ description: "Monaco's built-in language id" }),
    })
    .meta({ description: 'Editor language ids, where the editor has one' }),
  template: z.string().optional().meta({ description: 'A program that prints "Hello, World!"' }),
});
export type LanguageEntry = z.infer<typeof LanguageEntrySchema>;

/** The body of `GET /api/execute/languages`. */
export const LanguagesResponseSchema = z.strictObject({
  languages: z.array(LanguageEntrySchema),
});
export type LanguagesResponse = z.infer<typeof LanguagesResponseSchema>;

/** The body of every error response. */
export const ErrorResponseSchema = z.strictObject({
  error: z.string().min(1),
  code: z.string().min(1),
  details: z.array(z.looseObject({ message: z.string() })).optional(),
  requestId: z.string().optional(),
});
