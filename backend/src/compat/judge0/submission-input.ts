import type { Config } from '../../config.js';
import type { PistonRuntime } from '../../piston/piston-schemas.js';
import {
  addError,
  checkRange,
  present,
  readBoolean,
  readNumber,
  readText,
  splitArguments,
  type FieldErrors,
} from './input-fields.js';
import { judge0Language } from './languages.js';

/** The gateway limits a submission is clamped to. */
export type SubmissionLimits = Pick<
  Config,
  'RUN_TIMEOUT_MS' | 'MAX_RUN_TIMEOUT_MS' | 'RUN_MEMORY_LIMIT_BYTES'
>;

/**
 * Judge0 CE 1.13.1's own bounds (its default configuration). A value inside them is accepted
 * and clamped to the gateway's limits; one outside is a 422 with Judge0's message, so every
 * request a stock Judge0 accepts is accepted here.
 */
export const JUDGE0_BOUNDS = {
  cpu_time_limit: { min: 0, max: 15 },
  wall_time_limit: { min: 1, max: 20 },
  memory_limit: { min: 2048, max: 512000 },
  number_of_runs: { min: 0, minExclusive: true, max: 20 },
} as const;

/**
 * Fields Piston cannot honour, with the only value accepted (Judge0's default). Anything else
 * is a 422 naming the field, never silently ignored. Messages are Judge0's own where it has one
 * (it says them when an operator turns the feature off).
 */
export const UNSUPPORTED_FIELDS: Readonly<Record<string, { fallback: unknown; message: string }>> =
  {
    compiler_options: { fallback: null, message: 'setting compiler options is not allowed' },
    additional_files: { fallback: null, message: 'setting additional files is not allowed' },
    enable_network: { fallback: false, message: 'enabling network is not allowed' },
    enable_per_process_and_thread_time_limit: {
      fallback: false,
      message: 'this option cannot be enabled',
    },
    enable_per_process_and_thread_memory_limit: {
      fallback: false,
      message: 'this option cannot be enabled',
    },
    cpu_extra_time: { fallback: 0, message: 'the execution engine (Piston) has no extra time' },
    stack_limit: {
      fallback: 64000,
      message: 'the execution engine (Piston) sets the stack limit itself; leave it unset',
    },
    max_processes_and_or_threads: {
      fallback: 60,
      message: 'the execution engine (Piston) sets the process limit itself; leave it unset',
    },
    max_file_size: {
      fallback: 1024,
      message: 'the execution engine (Piston) sets the file size limit itself; leave it unset',
    },
  };

/** A submission accepted by validation: what to run and what to echo back. */
export interface AcceptedSubmission {
  language: { id: number; name: string; runtime: PistonRuntime };
  sourceCode: string;
  stdin: string | null;
  expectedOutput: string | null;
  args: string[];
  /** Seconds, clamped. */
  cpuTimeLimit: number;
  wallTimeLimit: number;
  /** Kilobytes, clamped; null when the gateway runs without a memory limit and none was asked. */
  memoryLimit: number | null;
  numberOfRuns: number;
  redirectStderrToStdout: boolean;
  callbackUrl: string | null;
  commandLineArguments: string | null;
  /** Judge0's input attributes as they are in force, for GET's `fields`. */
  echo: Record<string, unknown>;
}

/** Validates one Judge0 submission body; field errors in Judge0's shape, or the submission. */
export function parseSubmission(
  raw: unknown,
  options: { base64: boolean; runtimes: readonly PistonRuntime[]; limits: SubmissionLimits },
): { errors: FieldErrors } | { submission: AcceptedSubmission } {
  const errors: FieldErrors = {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { errors: { submission: ['must be a JSON object'] } };
  }
  const body = raw as Record<string, unknown>;
  const sourceCode = readText(body, 'source_code', errors, options.base64);
  if (sourceCode === undefined && !errors.source_code)
    addError(errors, 'source_code', "can't be blank");
  const stdin = readText(body, 'stdin', errors, options.base64) ?? null;
  const expectedOutput = readText(body, 'expected_output', errors, options.base64) ?? null;
  const languageId = readNumber(body, 'language_id', errors, true);
  if (languageId === undefined && !errors.language_id)
    addError(errors, 'language_id', "can't be blank");
  const language =
    languageId === undefined ? undefined : judge0Language(languageId, options.runtimes);
  if (languageId !== undefined && !language) {
    addError(errors, 'language_id', `language with id ${languageId} doesn't exist`);
  }
  const limits = readLimits(body, errors, options.limits);
  const commandLine = readText(body, 'command_line_arguments', errors, false);
  if (commandLine !== undefined && commandLine.length > 512) {
    addError(errors, 'command_line_arguments', 'is too long (maximum is 512 characters)');
  }
  const redirect = readBoolean(body, 'redirect_stderr_to_stdout', errors) ?? false;
  const callbackUrl = readCallbackUrl(body, errors);
  checkUnsupported(body, errors);
  if (Object.keys(errors).length > 0 || !language || sourceCode === undefined) return { errors };
  const echo: Record<string, unknown> = {
    source_code: sourceCode,
    language_id: language.id,
    stdin,
    expected_output: expectedOutput,
    number_of_runs: limits.numberOfRuns,
    cpu_time_limit: limits.cpuTimeLimit,
    wall_time_limit: limits.wallTimeLimit,
    memory_limit: limits.memoryLimit,
    compiler_options: null,
    command_line_arguments: commandLine ?? null,
    redirect_stderr_to_stdout: redirect,
    callback_url: callbackUrl,
    additional_files: null,
  };
  for (const [field, { fallback }] of Object.entries(UNSUPPORTED_FIELDS)) {
    echo[field] ??= fallback;
  }
  return {
    submission: {
      language: { id: language.id, name: language.name, runtime: language.runtime },
      sourceCode,
      stdin,
      expectedOutput,
      args: commandLine === undefined ? [] : splitArguments(commandLine),
      ...limits,
      redirectStderrToStdout: redirect,
      callbackUrl,
      commandLineArguments: commandLine ?? null,
      echo,
    },
  };
}

function readLimits(body: Record<string, unknown>, errors: FieldErrors, limits: SubmissionLimits) {
  const cpu = readNumber(body, 'cpu_time_limit', errors);
  checkRange(errors, 'cpu_time_limit', cpu, JUDGE0_BOUNDS.cpu_time_limit);
  const wall = readNumber(body, 'wall_time_limit', errors);
  checkRange(errors, 'wall_time_limit', wall, JUDGE0_BOUNDS.wall_time_limit);
  const memory = readNumber(body, 'memory_limit', errors);
  checkRange(errors, 'memory_limit', memory, JUDGE0_BOUNDS.memory_limit);
  const runs = readNumber(body, 'number_of_runs', errors, true);
  checkRange(errors, 'number_of_runs', runs, JUDGE0_BOUNDS.number_of_runs);
  const maxSeconds = limits.MAX_RUN_TIMEOUT_MS / 1000;
  const defaultSeconds = limits.RUN_TIMEOUT_MS / 1000;
  // 0 is "no limit" to Piston; the smallest limit it is given is 1 ms.
  const seconds = (value: number | undefined) =>
    Math.max(0.001, Math.min(value ?? defaultSeconds, maxSeconds));
  const gatewayKb =
    limits.RUN_MEMORY_LIMIT_BYTES === -1 ? null : Math.floor(limits.RUN_MEMORY_LIMIT_BYTES / 1024);
  const memoryLimit =
    memory === undefined ? gatewayKb : gatewayKb === null ? memory : Math.min(memory, gatewayKb);
  return {
    cpuTimeLimit: seconds(cpu),
    wallTimeLimit: seconds(wall),
    memoryLimit,
    numberOfRuns: runs ?? 1,
  };
}

function readCallbackUrl(body: Record<string, unknown>, errors: FieldErrors): string | null {
  const value = present(body, 'callback_url');
  if (value === undefined) return null;
  if (typeof value !== 'string' || value.length > 2048 || !URL.canParse(value)) {
    addError(errors, 'callback_url', 'must be an http or https URL');
    return null;
  }
  const protocol = new URL(value).protocol;
  if (protocol !== 'http:' && protocol !== 'https:') {
    addError(errors, 'callback_url', 'must be an http or https URL');
    return null;
  }
  return value;
}

function checkUnsupported(body: Record<string, unknown>, errors: FieldErrors): void {
  for (const [field, { fallback, message }] of Object.entries(UNSUPPORTED_FIELDS)) {
    const value = present(body, field);
    if (value === undefined) continue;
    const same =
      typeof fallback === 'boolean'
        ? value === fallback || value === String(fallback)
        : typeof fallback === 'number' && Number(value) === fallback;
    if (!same) addError(errors, field, message);
  }
}
