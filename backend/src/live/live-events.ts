import type { ExecuteResponse } from '../schemas/execute-response.js';

/** A stage of a Piston job: compiled languages have both, interpreted ones only `run`. */
export type LiveStage = 'compile' | 'run';

/**
 * What a live run tells its client, in order: `runtime`, then per stage `stage`, its `stdout` /
 * `stderr` chunks and its `exit`, then `result`; or `error` when the run fails after it started.
 * The SSE and WebSocket routes only translate these to their wire format.
 */
export type LiveEvent =
  | { type: 'runtime'; language: string; version: string }
  | { type: 'stage'; stage: LiveStage }
  | { type: 'stdout' | 'stderr'; data: string }
  | { type: 'exit'; stage: LiveStage; exitCode: number | null; signal: string | null }
  | { type: 'result'; result: ExecuteResponse }
  | { type: 'error'; error: string; code: string; requestId: string };

/** Where a live run's events go (an SSE response, a WebSocket). */
export interface LiveSink {
  send(event: LiveEvent): void;
  /** Bytes accepted by send() but not yet written to the client (backpressure). */
  buffered(): number;
}
