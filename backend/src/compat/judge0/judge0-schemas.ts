import { z } from 'zod';
import { JUDGE0_BOUNDS } from './submission-input.js';
import { JUDGE0_STATUSES } from './statuses.js';

// Judge0's shapes for the OpenAPI document. The routes check submissions field by field
// (submission-input.ts, to answer Judge0's own 422 messages); these describe the same fields.

const text = z.string().nullable();
const seconds = z.number().nullable();

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

/** A submission as `fields` selects it (Judge0's default set unless `fields` says otherwise). */
export const Judge0SubmissionSchema = z.looseObject({
  token: z.string().optional(),
  stdout: text.optional(),
  stderr: text.optional(),
  compile_output: text.optional(),
  message: text.optional(),
  time: z.union([z.string(), seconds]).optional(),
  memory: z.number().nullable().optional(),
  status: Judge0StatusSchema.optional(),
  exit_code: z.number().nullable().optional(),
});

/** `{ "token": ... }`: a submission accepted, to be fetched by token. */
export const Judge0TokenSchema = z.strictObject({ token: z.string() });

/** Judge0's error body of a refused request: `{"error": "..."}`. */
export const Judge0ErrorSchema = z.strictObject({ error: z.string() });

/** Judge0's 422: each refused field with its messages. */
export const Judge0FieldErrorsSchema = z.record(z.string(), z.array(z.string()));
