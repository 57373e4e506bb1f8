import type { PistonStage } from '../piston/piston-schemas.js';

/**
 * What bash (the shell behind every Piston run script) prints for a child killed by signal N:
 * glibc's strsignal(N), Linux numbering.
 */
const SIGNAL_DESCRIPTIONS: readonly string[] = [
  '',
  'Hangup',
  'Interrupt',
  'Quit',
  'Illegal instruction',
  'Trace/breakpoint trap',
  'Aborted',
  'Bus error',
  'Floating point exception',
  'Killed',
  'User defined signal 1',
  'Segmentation fault',
  'User defined signal 2',
  'Broken pipe',
  'Alarm clock',
  'Terminated',
  'Stack fault',
  'Child exited',
  'Continued',
  'Stopped (signal)',
  'Stopped',
  'Stopped (tty input)',
  'Stopped (tty output)',
  'Urgent I/O condition',
  'CPU time limit exceeded',
  'File size limit exceeded',
  'Virtual timer expired',
  'Profiling timer expired',
  'Window changed',
  'I/O possible',
  'Power failure',
  'Bad system call',
];

/** bash pads a job's status to this width (LONGEST_SIGNAL_DESC in bash's jobs.h). */
const STATUS_WIDTH = 24;

/**
 * The start of bash's report on a script line whose command a signal killed, in a Piston package
 * script (`/piston/packages/<package>/<version>/run` or `compile`), up to the status:
 * `/piston/packages/gcc/10.2.0/run: line 6:     3 ` (the process id is padded to 5 places).
 */
const PACKAGES = '/piston/packages/';
const LAUNCHER_PREFIX = /^\/piston\/packages\/[^/\s]+\/[^/\s]+\/(?:run|compile): line \d+: +\d+ /;

const CORE_DUMPED = '(core dumped) ';

/** What isolate's keeper prints when Piston aborts the sandbox at an output or time limit. */
const SANDBOX_KEEPER = /^Sandbox keeper received fatal signal \d+$/;

/**
 * A stage's stderr with Piston's machinery put into a terminal's words (see cleanLauncherLines).
 */
export function cleanStderr(stage: PistonStage): string {
  return cleanLauncherLines(stage.stderr, stage);
}

/**
 * `text`, a stage's stderr or its interleaved `output` (which ends the same way: bash and the
 * sandbox's keeper write last), with Piston's machinery put into a terminal's words. Only the
 * last line is looked at, and only when the stage ended the way that line says:
 * - killed by signal N (exit code 128+N) and the line is bash's report on its package script,
 *   `/piston/packages/gcc/10.2.0/run: line 6:     3 Segmentation fault      ./a.out "$@"`:
 *   it becomes `Segmentation fault` (`... (core dumped)` when bash says so);
 * - stopped by Piston at a limit (status OL, EL or TO) and the line is exactly
 *   `Sandbox keeper received fatal signal 6`: it becomes `Killed`.
 * Everything the program wrote itself is left as it is.
 */
export function cleanLauncherLines(
  text: string,
  stage: Pick<PistonStage, 'code' | 'status'>,
): string {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const lineStart = body.lastIndexOf('\n') + 1;
  const lastLine = body.slice(lineStart);
  const replacement = launcherReport(lastLine, stage.code) ?? keeperReport(lastLine, stage.status);
  if (replacement === undefined) return text;
  return `${body.slice(0, lineStart)}${replacement}${text.slice(body.length)}`;
}

/**
 * `Segmentation fault` for bash's report of signal (code - 128) ending the line. What the program
 * wrote before it without a newline stays, on a line of its own.
 */
function launcherReport(line: string, code: number | null): string | undefined {
  const description = code !== null && code > 128 ? SIGNAL_DESCRIPTIONS[code - 128] : undefined;
  if (!description) return undefined;
  // From the end: the report is the last thing on the line, and its command may name a path
  // under /piston/packages too.
  let start = line.lastIndexOf(PACKAGES);
  while (start !== -1) {
    const said = reportFrom(line.slice(start), description);
    if (said !== undefined) return start === 0 ? said : `${line.slice(0, start)}\n${said}`;
    start = start === 0 ? -1 : line.lastIndexOf(PACKAGES, start - 1);
  }
  return undefined;
}

/** The terminal's words when `report` is exactly bash's line for `description`, else undefined. */
function reportFrom(report: string, description: string): string | undefined {
  const prefix = LAUNCHER_PREFIX.exec(report)?.[0];
  if (prefix === undefined) return undefined;
  const status = description + ' '.repeat(Math.abs(STATUS_WIDTH - description.length));
  if (!report.startsWith(status, prefix.length)) return undefined;
  const rest = report.slice(prefix.length + status.length);
  const cored = rest.startsWith(CORE_DUMPED);
  const command = cored ? rest.slice(CORE_DUMPED.length) : rest;
  if (command.trim() === '') return undefined;
  return cored ? `${description} (core dumped)` : description;
}

function keeperReport(line: string, status: string | null | undefined): string | undefined {
  const stoppedByPiston = status === 'OL' || status === 'EL' || status === 'TO';
  return stoppedByPiston && SANDBOX_KEEPER.test(line) ? 'Killed' : undefined;
}
