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

/** The body of `GET /api/execute/languages`. */
export const LanguagesResponseSchema = z.strictObject({
  languages: z.array(
    z.strictObject({ language: z.string(), version: z.string(), aliases: z.array(z.string()) }),
  ),
});
export type LanguagesResponse = z.infer<typeof LanguagesResponseSchema>;

/** The body of every error response. */
export const ErrorResponseSchema = z.strictObject({
  error: z.string().min(1),
  code: z.string().min(1),
  details: z.array(z.looseObject({ message: z.string() })).optional(),
  requestId: z.string().optional(),
});
