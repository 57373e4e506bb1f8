import { constants } from 'node:os';
import type { PistonExecuteResponse, PistonStage } from '../piston/piston-schemas.js';
import type { ExecuteResponse, ExecutionStatus, StageResult } from '../schemas/execute-response.js';
import { cleanLauncherLines, cleanStderr } from './piston-stderr.js';

/** How a stage ended, in the gateway's terms. */
interface Verdict {
  status: ExecutionStatus;
  error?: string;
  signal: string | null;
}

/** The last line of the JDK's single-file source launcher when it cannot compile the program. */
const JAVA_COMPILATION_FAILED = 'error: compilation failed';

const SIGNAL_NAMES = new Map<number, string>(
  Object.entries(constants.signals).map(([name, number]) => [number, name]),
);

/**
 * Maps Piston's answer to the gateway's result. The stage that ended the job (a failed compile,
 * else the run) supplies output, stderr, exit code and signal. Every stage's stderr is cleaned
 * of Piston's launcher lines (see cleanStderr) and its signal named as the top level names it.
 */
export function mapPistonResult(piston: PistonExecuteResponse): ExecuteResponse {
  const { compile, run } = stagesOf(piston);
  const compileFailed = compile !== undefined && !stageSucceeded(compile);
  const ended = compileFailed ? compile : run;
  const verdict = classifyStage(ended, compileFailed ? 'compile' : 'run');
  const truncated = [compile, run].some(
    (stage) => stage?.status === 'OL' || stage?.status === 'EL',
  );
  const stderr = cleanStderr(ended);
  return {
    success: verdict.status === 'ok',
    output: ended.stdout,
    stderr,
    exitCode: ended.code,
    signal: verdict.signal,
    status: verdict.status,
    ...(verdict.error ? { error: verdict.error } : {}),
    language: piston.language,
    version: piston.version,
    ...(compile ? { compile: toStageResult(compile) } : {}),
    // When compilation fails Piston copies the compile stage into `run`; the program never ran.
    ...(compileFailed ? {} : { run: toStageResult(run) }),
    truncated,
  };
}

/**
 * The output of the stage that ended the job (the compiler's when compiling failed), stdout and
 * stderr interleaved as a terminal shows them: Piston's `output`, with its launcher lines put in
 * a terminal's words as the result's stderr is (see cleanLauncherLines). A Piston that sends no
 * `output` gets stdout then stderr.
 */
export function terminalOutput(piston: PistonExecuteResponse): string {
  const { compile, run } = stagesOf(piston);
  const ended = compile !== undefined && !stageSucceeded(compile) ? compile : run;
  return cleanLauncherLines(ended.output ?? ended.stdout + ended.stderr, ended);
}

/**
 * Piston's stages, with Java's compile put where it belongs: Piston's Java package has no compile
 * step; its run script hands the file to the JDK's single-file source launcher, which compiles in
 * memory and, when that fails, prints javac's errors, then `error: compilation failed`, and exits
 * 1 before any of the program ran. That run stage is reported as the failed compile it is.
 */
function stagesOf(piston: PistonExecuteResponse): { compile?: PistonStage; run: PistonStage } {
  const { compile, run } = piston;
  const javaCompileFailed =
    piston.language === 'java' &&
    compile === undefined &&
    run.code === 1 &&
    run.signal === null &&
    run.stdout === '' &&
    run.stderr.trimEnd().endsWith(`\n${JAVA_COMPILATION_FAILED}`);
  return javaCompileFailed ? { compile: run, run } : { ...(compile ? { compile } : {}), run };
}

function stageSucceeded(stage: PistonStage): boolean {
  return stage.code === 0 && stage.signal === null && !stage.status;
}

/** Derives the verdict from Piston's status (RE/SG/TO/OL/EL/XX), code and signal. */
export function classifyStage(stage: PistonStage, kind: 'compile' | 'run'): Verdict {
  const signal = stage.signal;
  switch (stage.status) {
    case 'TO':
      return {
        status: 'timeout',
        error: kind === 'compile' ? 'Compilation Time Limit Exceeded' : 'Time Limit Exceeded',
        signal,
      };
    case 'OL':
    case 'EL':
      return { status: 'output_limit', error: 'Output Limit Exceeded', signal };
    case 'XX':
      return { status: 'internal_error', error: 'Internal Error', signal };
    case 'RE':
    case 'SG':
    case null:
    case undefined:
      break;
    default:
      // A status this gateway does not know yet: treat like RE/SG and decide from code and signal.
      break;
  }
  if (stageSucceeded(stage)) return { status: 'ok', signal: null };
  if (kind === 'compile') return { status: 'compile_error', error: 'Compilation Error', signal };
  if (signal === 'SIGKILL') return { status: 'killed', error: 'Killed (Signal: SIGKILL)', signal };
  if (signal)
    return { status: 'runtime_error', error: `Runtime Error (Signal: ${signal})`, signal };
  const shellSignal = signalFromShellExitCode(stage.code);
  if (shellSignal) {
    return {
      status: shellSignal === 'SIGKILL' ? 'killed' : 'runtime_error',
      error: `${shellSignal === 'SIGKILL' ? 'Killed' : 'Runtime Error'} (Signal: ${shellSignal})`,
      signal: shellSignal,
    };
  }
  return {
    status: 'runtime_error',
    error: stage.code === null ? 'Runtime Error' : `Runtime Error (exit code ${stage.code})`,
    signal,
  };
}

/**
 * Piston's run scripts are shell scripts, so a program killed by signal N is reported as exit
 * code 128+N with no signal (e.g. 139 for SIGSEGV). Returns that signal's name, if any.
 */
function signalFromShellExitCode(code: number | null): string | undefined {
  if (code === null || code <= 128 || code > 128 + 64) return undefined;
  return SIGNAL_NAMES.get(code - 128);
}

function toStageResult(stage: PistonStage): StageResult {
  return {
    stdout: stage.stdout,
    stderr: cleanStderr(stage),
    exitCode: stage.code,
    // Named like the top level's: 139 from a shell run script is SIGSEGV here too.
    signal: stage.signal ?? signalFromShellExitCode(stage.code) ?? null,
    cpuTimeMs: roundOrNull(stage.cpu_time),
    wallTimeMs: roundOrNull(stage.wall_time),
    memoryBytes: stage.memory ?? null,
  };
}

function roundOrNull(value: number | null | undefined): number | null {
  return value === null || value === undefined ? null : Math.round(value);
}
