/**
 * The live runner's interface as the WebSocket route uses it (issue #15): LiveEvent, LiveSink,
 * LiveRun and LiveRunner, exactly as backend/src/live/ defines them.
 */
import type { PreparedExecution } from '../execution/execution-service.js';
import type { ExecuteResponse } from '../schemas/execute-response.js';

export type LiveEvent =
  | { type: 'runtime'; language: string; version: string }
  | { type: 'stage'; stage: 'compile' | 'run' }
  | { type: 'stdout' | 'stderr'; data: string }
  | { type: 'exit'; stage: 'compile' | 'run'; exitCode: number | null; signal: string | null }
  | { type: 'result'; result: ExecuteResponse }
  | { type: 'error'; error: string; code: string; requestId: string };

/** Where a live run's events go (an SSE response, a WebSocket). */
export interface LiveSink {
  send(event: LiveEvent): void;
  /** Bytes accepted by send() but not yet written to the client (backpressure). */
  buffered(): number;
}

/** A live run under way. */
export interface LiveRun {
  write(data: string): void;
  kill(): void;
  readonly done: Promise<void>;
}

/** Starts live runs. */
export interface LiveRunner {
  start(
    prepared: PreparedExecution,
    sink: LiveSink,
    options: { requestId: string; signal?: AbortSignal },
  ): Promise<LiveRun>;
}
