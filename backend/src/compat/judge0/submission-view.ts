import type { Submission } from '../../submissions/types.js';
import { STATUS, statusOf } from './statuses.js';

/**
 * Judge0 CE 1.13.1's attributes in its order (the submissions table's columns without `id`,
 * then `status` and `language`): what `fields=*` returns, exactly.
 */
export const ALL_FIELDS = [
  'source_code',
  'language_id',
  'stdin',
  'expected_output',
  'stdout',
  'status_id',
  'created_at',
  'finished_at',
  'time',
  'memory',
  'stderr',
  'token',
  'number_of_runs',
  'cpu_time_limit',
  'cpu_extra_time',
  'wall_time_limit',
  'memory_limit',
  'stack_limit',
  'max_processes_and_or_threads',
  'enable_per_process_and_thread_time_limit',
  'enable_per_process_and_thread_memory_limit',
  'max_file_size',
  'compile_output',
  'exit_code',
  'exit_signal',
  'message',
  'wall_time',
  'compiler_options',
  'command_line_arguments',
  'redirect_stderr_to_stdout',
  'callback_url',
  'additional_files',
  'enable_network',
  'status',
  'language',
] as const;

/** Judge0's default set, for an empty or absent `fields`. */
export const DEFAULT_FIELDS = [
  'token',
  'time',
  'memory',
  'stdout',
  'stderr',
  'compile_output',
  'message',
  'status',
] as const;

/** This gateway's additions, returned only when `fields` names them (never with `*`). */
export const EXTRA_FIELDS = ['callback'] as const;

const KNOWN: ReadonlySet<string> = new Set<string>([...ALL_FIELDS, ...EXTRA_FIELDS]);
/** Judge0 base64-encodes these with `base64_encoded=true`. */
const TEXT_FIELDS: ReadonlySet<string> = new Set([
  'source_code',
  'stdin',
  'expected_output',
  'stdout',
  'stderr',
  'compile_output',
  'message',
]);
/** Decimal columns: Rails serialises them as strings (`"0.001"`, `"5.0"`). */
const DECIMAL_FIELDS: ReadonlySet<string> = new Set([
  'time',
  'wall_time',
  'cpu_time_limit',
  'cpu_extra_time',
  'wall_time_limit',
]);

/** Parses `fields`: the list to render, or the unknown names (a 400 as Judge0 answers it). */
export function parseFields(raw: unknown): { fields: string[] } | { invalid: string[] } {
  const text = typeof raw === 'string' ? raw : '';
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean)
    .slice(0, 64);
  const invalid = names.filter((name) => name !== '*' && !KNOWN.has(name));
  if (invalid.length > 0) return { invalid };
  if (names.includes('*')) {
    const extras = names.filter((name) => (EXTRA_FIELDS as readonly string[]).includes(name));
    return { fields: [...ALL_FIELDS, ...extras] };
  }
  return { fields: names.length > 0 ? [...new Set(names)] : [...DEFAULT_FIELDS] };
}

/** Judge0's decimal as Rails writes it: `5.0`, `0.001`. */
function decimal(value: unknown): unknown {
  if (typeof value !== 'number') return value ?? null;
  const text = String(Number(value.toFixed(6)));
  return text.includes('.') || text.includes('e') ? text : `${text}.0`;
}

function statusIdOf(submission: Submission): number {
  if (submission.state === 'queued') return STATUS.inQueue;
  if (submission.state === 'processing') return STATUS.processing;
  return submission.result?.statusId ?? STATUS.internalError;
}

function valueOf(submission: Submission, field: string, languageName: string | null): unknown {
  const result = submission.result;
  switch (field) {
    case 'token':
      return submission.token;
    case 'status_id':
      return statusIdOf(submission);
    case 'status':
      return statusOf(statusIdOf(submission));
    case 'language':
      return { id: submission.input.language_id, name: languageName };
    case 'created_at':
      return submission.createdAt;
    case 'finished_at':
      return submission.finishedAt;
    case 'stdout':
      return result?.stdout ?? null;
    case 'stderr':
      return result?.stderr ?? null;
    case 'compile_output':
      return result?.compileOutput ?? null;
    case 'message':
      return result?.message ?? null;
    case 'exit_code':
      return result?.exitCode ?? null;
    case 'exit_signal':
      return result?.exitSignal ?? null;
    case 'time':
      return result?.time ?? null;
    case 'wall_time':
      return result?.wallTime ?? null;
    case 'memory':
      return result?.memory ?? null;
    case 'callback':
      return submission.callback;
    default:
      return submission.input[field] ?? null;
  }
}

/** Renders a submission as Judge0 does: the requested fields, texts base64 when asked. */
export function renderSubmission(
  submission: Submission,
  options: { fields: readonly string[]; base64: boolean },
): Record<string, unknown> {
  const languageName = (submission.input.language_name as string | undefined) ?? null;
  const out: Record<string, unknown> = {};
  for (const field of options.fields) {
    let value = valueOf(submission, field, languageName);
    if (DECIMAL_FIELDS.has(field)) value = decimal(value);
    if (options.base64 && TEXT_FIELDS.has(field) && typeof value === 'string') {
      // Judge0 (Ruby's Base64.encode64) wraps at 60 characters with a newline after each line.
      value = encode64(value);
    }
    out[field] = value;
  }
  return out;
}

/** Ruby's Base64.encode64: lines of 60 characters, each ending in a newline. */
export function encode64(text: string): string {
  const encoded = Buffer.from(text, 'utf8').toString('base64');
  let out = '';
  for (let index = 0; index < encoded.length; index += 60) {
    out += `${encoded.slice(index, index + 60)}\n`;
  }
  return out;
}

/** The body of Judge0's callback: its default fields, base64-encoded (isolate_job.rb). */
export function judge0CallbackBody(submission: Submission): Record<string, unknown> {
  return renderSubmission(submission, { fields: DEFAULT_FIELDS, base64: true });
}
