import { z } from 'zod';
import type { Config } from '../../config.js';
import { BadRequestError } from '../../errors.js';
import type { RequestedLimits } from '../../execution/build-piston-request.js';
import { zodIssuesToDetails } from '../../middleware/validate.js';
import { ExecuteRequestSchema, type ExecuteRequest } from '../../schemas/execute-request.js';

/** Piston's per-stage limits, in the order Piston checks them. */
export const PISTON_LIMIT_FIELDS = [
  'compile_memory_limit',
  'run_memory_limit',
  'compile_timeout',
  'run_timeout',
  'compile_cpu_time',
  'run_cpu_time',
] as const;
type LimitField = (typeof PISTON_LIMIT_FIELDS)[number];

// `null` is read as "not sent", as Piston's `??` reads it.
const limit = z.number().nullish();

/**
 * The body of Piston 3.1.1's `POST /api/v2/execute`, read as leniently as Piston reads it:
 * unknown keys are ignored, `stdin`, `args`, file names and encodings and every limit may be left
 * out or null. `version` may be left out too (Piston requires it): it then means the newest.
 */
export const PistonExecuteBodySchema = z.object({
  language: z.string().min(1),
  version: z.string().nullish(),
  files: z.array(
    z.object({
      name: z.string().nullish(),
      content: z.string(),
      encoding: z.string().nullish(),
    }),
  ),
  stdin: z.string().nullish(),
  args: z.array(z.string()).nullish(),
  compile_memory_limit: limit,
  run_memory_limit: limit,
  compile_timeout: limit,
  run_timeout: limit,
  compile_cpu_time: limit,
  run_cpu_time: limit,
});
export type PistonExecuteBody = z.infer<typeof PistonExecuteBodySchema>;

/** A Piston request in the gateway's terms: the native body and the limits it asked for. */
export interface TranslatedRequest {
  body: ExecuteRequest;
  limits: RequestedLimits;
}

/** The configuration a Piston request's limits are bounded by. */
export type CompatLimits = Pick<
  Config,
  | 'RUN_TIMEOUT_MS'
  | 'MAX_RUN_TIMEOUT_MS'
  | 'COMPILE_TIMEOUT_MS'
  | 'RUN_MEMORY_LIMIT_BYTES'
  | 'COMPILE_MEMORY_LIMIT_BYTES'
>;

/** Piston rounds memory limits down to whole kilobytes, and 0 KB would mean no limit at all. */
const MIN_MEMORY_BYTES = 1000;

/**
 * Validates a Piston request body and translates it into the gateway's own request, so that it
 * is held to every rule `POST /api/execute` applies (file names, encodings, NUL in args, list
 * sizes). Errors name the field as Piston's messages do (`files[0].content is required as a
 * string`), since Piston clients show only `message`.
 */
export function translatePistonRequest(raw: unknown, config: CompatLimits): TranslatedRequest {
  const parsed = PistonExecuteBodySchema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error.issues, pistonMessage(parsed.error.issues[0]));
  const piston = parsed.data;
  if (piston.files.length === 0) {
    throw invalid([], 'files must include at least one utf8 encoded file');
  }
  const runTimeout = bound(piston.run_timeout, config.RUN_TIMEOUT_MS, config.MAX_RUN_TIMEOUT_MS);
  const native = ExecuteRequestSchema.safeParse({
    language: piston.language,
    ...(piston.version ? { version: piston.version } : {}),
    files: piston.files.map((file) => ({
      ...(file.name != null ? { name: file.name } : {}),
      content: file.content,
      ...(file.encoding != null ? { encoding: file.encoding } : {}),
    })),
    stdin: piston.stdin ?? '',
    args: piston.args ?? [],
    timeout: runTimeout,
  });
  if (!native.success) {
    const details = zodIssuesToDetails(native.error.issues);
    const first = details[0];
    const message = first?.field ? `${pistonPath(first.field)} ${first.message}` : undefined;
    throw invalid(native.error.issues, message ?? 'The request body is invalid');
  }
  const compileTimeout = config.COMPILE_TIMEOUT_MS;
  return {
    body: native.data,
    limits: {
      compile_timeout: bound(piston.compile_timeout, compileTimeout, compileTimeout),
      compile_cpu_time: bound(piston.compile_cpu_time, compileTimeout, compileTimeout),
      run_cpu_time: bound(piston.run_cpu_time, runTimeout, config.MAX_RUN_TIMEOUT_MS),
      compile_memory_limit: memory(piston.compile_memory_limit, config.COMPILE_MEMORY_LIMIT_BYTES),
      run_memory_limit: memory(piston.run_memory_limit, config.RUN_MEMORY_LIMIT_BYTES),
    },
  };
}

/**
 * A client's limit is a request, never a permission: left out, the gateway's default; `0` and
 * negative numbers (Piston's "no limit") or anything above the maximum, the maximum; else the
 * value, in whole milliseconds.
 */
function bound(value: number | null | undefined, fallback: number, max: number): number {
  if (value === null || value === undefined) return fallback;
  if (value <= 0 || value > max) return max;
  return Math.ceil(value);
}

/** Like `bound`, for a memory limit whose maximum may be -1 (the operator set none). */
function memory(value: number | null | undefined, max: number): number {
  if (value === null || value === undefined) return max;
  if (value <= 0 || (max !== -1 && value > max)) return max;
  return Math.max(MIN_MEMORY_BYTES, Math.ceil(value));
}

function invalid(issues: readonly z.core.$ZodIssue[], message: string): BadRequestError {
  const details = zodIssuesToDetails(issues).map((detail) =>
    detail.field ? { ...detail, field: pistonPath(detail.field) } : detail,
  );
  return new BadRequestError('invalid_request', message, {
    ...(details.length > 0 ? { details } : {}),
  });
}

const DIGITS = /^\d+$/;

/**
 * `files.0.name` as Piston names it: `files[0].name`. Only the gateway's own schema paths come
 * here (unknown keys are stripped before the strict parse), never text a client chose.
 */
export function pistonPath(field: string): string {
  const [first = '', ...rest] = field.split('.');
  return rest.reduce(
    (path, part) => (part !== '' && DIGITS.test(part) ? `${path}[${part}]` : `${path}.${part}`),
    first,
  );
}

/** Piston's own words for the first problem it would have found. */
function pistonMessage(issue: z.core.$ZodIssue | undefined): string {
  const [first, index, key] = issue?.path ?? [];
  switch (first) {
    case undefined:
      return 'the request body must be a JSON object';
    case 'language':
    case 'version':
      return `${first} is required as a string`;
    case 'files':
      if (index === undefined) return 'files is required as an array';
      if (key === undefined || key === 'content') {
        return `files[${String(index)}].content is required as a string`;
      }
      return `If specified, files[${String(index)}].${String(key)} must be a string`;
    case 'stdin':
      return 'If specified, stdin must be a string';
    case 'args':
      return 'If specified, args must be an array of strings';
    default:
      return PISTON_LIMIT_FIELDS.includes(first as LimitField)
        ? `If specified, ${String(first)} must be a number`
        : 'The request body is invalid';
  }
}
