import type { Config } from '../../config.js';
import { JUDGE0_BOUNDS, UNSUPPORTED_FIELDS } from './submission-input.js';

/** The Judge0 version whose API this gateway speaks. */
export const JUDGE0_VERSION = '1.13.1';

/** `GET /judge0/about`: Judge0's four keys, describing this gateway. */
export function aboutBody(): Record<string, string> {
  return {
    version: JUDGE0_VERSION,
    homepage: 'https://github.com/engineer-man/piston',
    source_code: 'https://github.com/engineer-man/piston',
    maintainer: 'Code execution gateway: a Judge0 CE 1.13.1-compatible API in front of Piston',
  };
}

const fallback = (field: string) => UNSUPPORTED_FIELDS[field]?.fallback;

/**
 * `GET /judge0/config_info`: every key Judge0 1.13.1 returns (app/helpers/config.rb), in its
 * units (seconds, kilobytes), with the values in force here. Judge0's defaults and maxima are
 * the gateway's (RUN_TIMEOUT_MS, MAX_RUN_TIMEOUT_MS, RUN_MEMORY_LIMIT_BYTES); larger values, up
 * to Judge0's stock maxima, are accepted and clamped to these.
 */
export function configInfoBody(config: Config): Record<string, unknown> {
  const memoryKb =
    config.RUN_MEMORY_LIMIT_BYTES === -1
      ? JUDGE0_BOUNDS.memory_limit.max
      : Math.floor(config.RUN_MEMORY_LIMIT_BYTES / 1024);
  const runSeconds = config.RUN_TIMEOUT_MS / 1000;
  const maxRunSeconds = config.MAX_RUN_TIMEOUT_MS / 1000;
  return {
    maintenance_mode: false,
    enable_wait_result: true,
    enable_compiler_options: false,
    allowed_languages_for_compile_options: [],
    enable_command_line_arguments: true,
    enable_submission_delete: false,
    enable_callbacks: true,
    callbacks_max_tries: config.WEBHOOK_MAX_ATTEMPTS,
    callbacks_timeout: 5,
    enable_additional_files: false,
    max_queue_size: config.MAX_SUBMISSION_QUEUE,
    cpu_time_limit: runSeconds,
    max_cpu_time_limit: maxRunSeconds,
    cpu_extra_time: fallback('cpu_extra_time'),
    max_cpu_extra_time: 0,
    wall_time_limit: runSeconds,
    max_wall_time_limit: maxRunSeconds,
    memory_limit: memoryKb,
    max_memory_limit: memoryKb,
    stack_limit: fallback('stack_limit'),
    max_stack_limit: fallback('stack_limit'),
    max_processes_and_or_threads: fallback('max_processes_and_or_threads'),
    max_max_processes_and_or_threads: fallback('max_processes_and_or_threads'),
    enable_per_process_and_thread_time_limit: false,
    allow_enable_per_process_and_thread_time_limit: false,
    enable_per_process_and_thread_memory_limit: false,
    allow_enable_per_process_and_thread_memory_limit: false,
    max_file_size: fallback('max_file_size'),
    max_max_file_size: fallback('max_file_size'),
    number_of_runs: 1,
    max_number_of_runs: JUDGE0_BOUNDS.number_of_runs.max,
    redirect_stderr_to_stdout: false,
    max_extract_size: 0,
    enable_batched_submissions: true,
    max_submission_batch_size: config.MAX_BATCH_SIZE,
    submission_cache_duration: 0,
    use_docs_as_homepage: false,
    allow_enable_network: false,
    enable_network: false,
  };
}
