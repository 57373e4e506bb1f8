import type { PreparedExecution } from '../execution/execution-service.js';
import type { LiveSink } from './live-events.js';
import type { LiveRun } from './live-runner.js';
import { createLiveTranscript, type Ending } from './live-transcript.js';

/** How a run the client killed (or left) ends. */
export const KILLED: Ending = { status: 'killed', error: 'Killed (the client ended the run)' };

/** A run killed before Piston took it: its runtime (the one asked for) and a killed result. */
export function killedBeforeStart(prepared: PreparedExecution, sink: LiveSink): LiveRun {
  const { language, version } = prepared.runtime;
  sink.send({ type: 'runtime', language, version });
  const transcript = createLiveTranscript({ compile: 1, run: 1 });
  sink.send({ type: 'result', result: transcript.result({ language, version }, KILLED) });
  return { write: () => undefined, kill: () => undefined, done: Promise.resolve() };
}

/** The longest prefix of `text` that fits `maxBytes` of UTF-8, never splitting a character. */
export function utf8Prefix(text: string, maxBytes: number): string {
  if (maxBytes <= 0) return '';
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) to the start of the cut character.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return bytes.toString('utf8', 0, end);
}
