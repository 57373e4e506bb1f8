import { z } from 'zod';
import { JUDGE0_BOUNDS } from './submission-input.js';
import { CallbackOutcomeSchema } from '../../submissions/types.js';
import { JUDGE0_STATUSES } from './statuses.js';
import type { ALL_FIELDS, EXTRA_FIELDS } from './submission-view.js';

// Judge0's shapes for the OpenAPI document. The routes check submissions field by field
// (submission-input.ts, to answer Judge0's own 422 messages); these describe the same fields.

const text = z.string().nullable();

/** `GET /judge0/languages`: Judge0's id and a name with the installed version. */
export const Judge0LanguageSchema = z.strictObject({ id: z.number().int(), name: z.string() });

/** `GET /judge0/languages/{id}`. */
export const Judge0LanguageDetailSchema = Judge0LanguageSchema.extend({
  is_archived: z.boolean(),
  source_file: z.string(),
  compile_cmd: z.string().nullable(),
  run_cmd: z.string(),
});

/** One of Judge0's 14 statuses. */
export const Judge0StatusSchema = z.strictObject({
  id: z.number().int().min(1).max(JUDGE0_STATUSES.length),
  description: z.string(),
});

/** The body of `POST /judge0/submissions` (and each of a batch's `submissions`). */
export const Judge0SubmissionRequestSchema = z.looseObject({
  source_code: z.string().describe('The program (base64 with `base64_encoded=true`).'),
  language_id: z.number().int().describe('An id of `GET /judge0/languages`.'),
  stdin: text.optional(),
  expected_output: text.optional().describe('When set, a different stdout is Wrong Answer (4).'),
  command_line_arguments: text.optional(),
  redirect_stderr_to_stdout: z.boolean().optional(),
  number_of_runs: z.number().max(JUDGE0_BOUNDS.number_of_runs.max).optional(),
  cpu_time_limit: z.number().max(JUDGE0_BOUNDS.cpu_time_limit.max).optional(),
  wall_time_limit: z.number().max(JUDGE0_BOUNDS.wall_time_limit.max).optional(),
  memory_limit: z.number().max(JUDGE0_BOUNDS.memory_limit.max).optional(),
  callback_url: text.optional().describe('Called with the finished submission (PUT).'),
});

/** Judge0's decimal columns, as Rails writes them: `"0.001"`, `"5.0"`. */
const decimal = z.string().nullable().describe('A decimal number as a string, e.g. "0.001".');
const count = z.number().int().nullable();
const flag = z.boolean().nullable();

/**
 * Every attribute a submission may be rendered with (submission-view.ts), typed: a name added
 * there does not compile until it is described here, so the document cannot fall behind.
 */
const SUBMISSION_FIELDS: Record<
  (typeof ALL_FIELDS)[number] | (typeof EXTRA_FIELDS)[number],
  z.ZodType
> = {
  source_code: text,
  language_id: z.number().int(),
  stdin: text,
  expected_output: text,
  stdout: text,
  status_id: z.number().int().min(1).max(JUDGE0_STATUSES.length),
  created_at: z.string().describe('ISO 8601 in UTC with milliseconds.'),
  finished_at: z.string().nullable(),
  time: decimal.describe('CPU seconds.'),
  memory: z.number().nullable().describe('Kilobytes.'),
  stderr: text,
  token: z.string(),
  number_of_runs: count,
  cpu_time_limit: decimal,
  cpu_extra_time: decimal,
  wall_time_limit: decimal,
  memory_limit: count,
  stack_limit: count,
  max_processes_and_or_threads: count,
  enable_per_process_and_thread_time_limit: flag,
  enable_per_process_and_thread_memory_limit: flag,
  max_file_size: count,
  compile_output: text,
  exit_code: count,
  exit_signal: count,
  message: text,
  wall_time: decimal,
  compiler_options: text,
  command_line_arguments: text,
  redirect_stderr_to_stdout: flag,
  callback_url: text,
  additional_files: text,
  enable_network: flag,
  status: Judge0StatusSchema,
  language: z.strictObject({ id: z.number().int(), name: z.string().nullable() }),
  callback: CallbackOutcomeSchema.nullable().describe(
    "This gateway's: the callback's delivery so far; only when `fields` names it.",
  ),
};

/** A submission as `fields` selects it (Judge0's default set unless `fields` says otherwise). */
export const Judge0SubmissionSchema = z.strictObject(
  Object.fromEntries(
    Object.entries(SUBMISSION_FIELDS).map(([name, schema]) => [name, schema.optional()]),
  ),
);

/** `{ "token": ... }`: a submission accepted, to be fetched by token. */
export const Judge0TokenSchema = z.strictObject({ token: z.string() });

/** Judge0's error body of a refused request: `{"error": "..."}`. */
export const Judge0ErrorSchema = z.strictObject({ error: z.string() });

/** Judge0's 422: each refused field with its messages. */
export const Judge0FieldErrorsSchema = z.record(z.string(), z.array(z.string()));
