import type { Config } from '../config.js';
import { BadRequestError } from '../errors.js';
import type { PistonExecuteRequest } from '../piston/piston-schemas.js';
import type { ResolvedRuntime } from '../runtimes/resolve-runtime.js';
import { decodeText, type ExecuteRequest } from '../schemas/execute-request.js';
import { entryFileName, extraFileName } from './file-names.js';

/** The configuration that bounds one execution. */
export type ExecutionLimits = Pick<
  Config,
  | 'MAX_CODE_BYTES'
  | 'MAX_STDIN_BYTES'
  | 'RUN_TIMEOUT_MS'
  | 'MAX_RUN_TIMEOUT_MS'
  | 'COMPILE_TIMEOUT_MS'
  | 'RUN_MEMORY_LIMIT_BYTES'
  | 'COMPILE_MEMORY_LIMIT_BYTES'
>;

/**
 * Limits a client asked for, already bounded by the gateway's maximums (the Piston-compatible
 * API takes them field by field); each one given replaces the gateway's default for it.
 */
export type RequestedLimits = Partial<
  Pick<
    PistonExecuteRequest,
    | 'compile_timeout'
    | 'compile_cpu_time'
    | 'run_cpu_time'
    | 'compile_memory_limit'
    | 'run_memory_limit'
  >
>;

/**
 * Rejects code or stdin over the configured byte limits with 413 payload_too_large. Files count
 * by the bytes they stand for (base64 and hex decoded), so one program is accepted or refused
 * the same whichever way it travels.
 */
export function checkSizes(body: ExecuteRequest, limits: ExecutionLimits): void {
  const files = body.files ?? [{ content: body.code ?? '', encoding: 'utf8' as const }];
  const codeBytes = files.reduce(
    (sum, file) => sum + Buffer.byteLength(file.content, file.encoding),
    0,
  );
  if (codeBytes > limits.MAX_CODE_BYTES) {
    throw tooLarge(body.files ? 'files' : 'code', codeBytes, limits.MAX_CODE_BYTES);
  }
  const stdinBytes = Buffer.byteLength(body.stdin, 'utf8');
  if (stdinBytes > limits.MAX_STDIN_BYTES) {
    throw tooLarge('stdin', stdinBytes, limits.MAX_STDIN_BYTES);
  }
}

/** The run timeout a request gets: its own (clamped to the maximum) or the default. */
export function runTimeoutFor(body: ExecuteRequest, limits: ExecutionLimits): number {
  return Math.min(body.timeout ?? limits.RUN_TIMEOUT_MS, limits.MAX_RUN_TIMEOUT_MS);
}

/** Builds the exact request Piston receives: resolved runtime, named files and every limit. */
export function buildPistonRequest(
  body: ExecuteRequest,
  runtime: ResolvedRuntime,
  limits: ExecutionLimits,
  requested: RequestedLimits = {},
): PistonExecuteRequest {
  const runTimeout = runTimeoutFor(body, limits);
  const request: PistonExecuteRequest = {
    language: runtime.language,
    version: runtime.version,
    files: nameFiles(body, runtime.language),
    stdin: body.stdin,
    args: body.args,
    compile_timeout: limits.COMPILE_TIMEOUT_MS,
    run_timeout: runTimeout,
    compile_cpu_time: limits.COMPILE_TIMEOUT_MS,
    run_cpu_time: runTimeout,
    compile_memory_limit: limits.COMPILE_MEMORY_LIMIT_BYTES,
    run_memory_limit: limits.RUN_MEMORY_LIMIT_BYTES,
  };
  return { ...request, ...requested };
}

function nameFiles(body: ExecuteRequest, language: string): PistonExecuteRequest['files'] {
  if (body.code !== undefined) {
    return [{ name: entryFileName(language, body.code), content: body.code }];
  }
  const files = body.files ?? [];
  const taken = new Set(files.flatMap((file) => (file.name ? [file.name] : [])));
  let nextExtra = 1;
  const freshName = (preferred: string | undefined): string => {
    let name = preferred;
    while (name === undefined || taken.has(name)) name = extraFileName(language, nextExtra++);
    taken.add(name);
    return name;
  };
  return files.map((file, index) => {
    if (index === 0) {
      // Piston runs only a utf8 entry file; one sent encoded goes as the text it decodes to
      // (validation made sure it is UTF-8).
      const content = decodeText(file) ?? file.content;
      return { name: file.name ?? freshName(entryFileName(language, content)), content };
    }
    const name = file.name ?? freshName(undefined);
    return file.encoding === 'utf8'
      ? { name, content: file.content }
      : { name, content: file.content, encoding: file.encoding };
  });
}

function tooLarge(field: string, actual: number, limit: number): BadRequestError {
  return new BadRequestError('payload_too_large', `${field} is larger than ${limit} bytes`, {
    details: [{ field, message: `${actual} bytes; the limit is ${limit}`, limit }],
  });
}
