import { mapPistonResult } from '../execution/map-result.js';
import type { PistonStage } from '../piston/piston-schemas.js';
import type { ExecuteResponse, ExecutionStatus } from '../schemas/execute-response.js';
import type { LiveStage } from './live-events.js';

/** Why the gateway, not the program, ended a run. */
export interface Ending {
  status: Extract<ExecutionStatus, 'killed' | 'output_limit'>;
  error: string;
}

interface StageRecord {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: string | null;
  status?: string;
  startedAt: number;
  exited: boolean;
}

/**
 * The output and exits of one live run, kept to build its final result with the same mapping as
 * `POST /api/execute`. It holds at most what the run forwarded, which the output cap bounds.
 */
export interface LiveTranscript {
  stage(stage: LiveStage): void;
  data(stream: 'stdout' | 'stderr', text: string): void;
  exit(stage: LiveStage, code: number | null, signal: string | null): void;
  /** The stage that is running now, if any. */
  current(): LiveStage | undefined;
  /** True once the job has nothing more to run: the run exited, or the compile failed. */
  finished(): boolean;
  /** The final result; `ending` when the gateway cut the run short. */
  result(runtime: { language: string; version: string }, ending?: Ending): ExecuteResponse;
  /**
   * Forgets everything recorded: the client has its last event, while the job may hold its slot
   * (and this transcript, up to the output cap) until Piston closes it or the deadline passes.
   */
  release(): void;
}

/**
 * Starts a transcript, before the job's init is sent. `timeouts` are the ones sent to Piston: its
 * `exit` frames carry no status, so a stage SIGKILLed after its whole time limit is reported as
 * the timeout it was (`TO`). A stage is timed from the earliest moment it can have started on
 * Piston (the start of the transcript for the first stage, the previous stage's exit for the
 * next), not from its `stage` frame: a frame that reached the gateway late (a busy event loop, a
 * stalled connection) would make the stage look shorter than it was, and its timeout a kill.
 */
export function createLiveTranscript(
  timeouts: Record<LiveStage, number>,
  now: () => number = Date.now,
): LiveTranscript {
  const stages = new Map<LiveStage, StageRecord>();
  let current: LiveStage | undefined;
  // The earliest a stage starting now can have started on Piston.
  let earliestStart = now();

  function record(stage: LiveStage): StageRecord {
    let entry = stages.get(stage);
    if (!entry) {
      entry = {
        stdout: '',
        stderr: '',
        code: null,
        signal: null,
        startedAt: earliestStart,
        exited: false,
      };
      stages.set(stage, entry);
    }
    return entry;
  }

  return {
    stage(stage) {
      record(stage);
      current = stage;
    },
    data(stream, text) {
      // Output before any stage frame belongs to the run (Piston always sends one first).
      const entry = record(current ?? 'run');
      entry[stream] += text;
    },
    exit(stage, code, signal) {
      const entry = record(stage);
      entry.code = code;
      entry.signal = signal;
      entry.exited = true;
      earliestStart = now();
      if (code === null && signal === 'SIGKILL' && now() - entry.startedAt >= timeouts[stage]) {
        entry.status = 'TO';
      }
      if (current === stage) current = undefined;
    },
    current: () => current,
    finished() {
      const compile = stages.get('compile');
      if (compile?.exited && compile.code !== 0) return true;
      return stages.get('run')?.exited === true;
    },
    result(runtime, ending) {
      if (ending) {
        // The stage that was cut short ends as Piston ends a stage it kills.
        const cut = stages.get(current ?? 'run') ?? record('run');
        if (!cut.exited) {
          cut.code = null;
          cut.signal = 'SIGKILL';
          if (ending.status === 'output_limit') cut.status = 'OL';
        }
      }
      const compile = stages.get('compile');
      const run = stages.get('run');
      const mapped = mapPistonResult({
        language: runtime.language,
        version: runtime.version,
        ...(compile ? { compile: toPistonStage(compile) } : {}),
        // A failed compile has no run stage; Piston's own answer repeats the compile there.
        run: toPistonStage(run ?? compile ?? record('run')),
      });
      if (!ending) return mapped;
      return {
        ...mapped,
        success: false,
        status: ending.status,
        error: ending.error,
        truncated: mapped.truncated || ending.status === 'output_limit',
      };
    },
    release() {
      stages.clear();
      current = undefined;
    },
  };
}

function toPistonStage(entry: StageRecord): PistonStage {
  return {
    stdout: entry.stdout,
    stderr: entry.stderr,
    code: entry.code,
    signal: entry.signal,
    status: entry.status ?? null,
    // The live protocol reports no resource use (unknown, not zero).
    cpu_time: null,
    wall_time: null,
    memory: null,
  };
}
