import { describe, expect, it } from 'vitest';
import { utf8Prefix } from '../../src/live/live-run-parts.js';
import { createLiveTranscript } from '../../src/live/live-transcript.js';
import type { JsonPiece } from '../../src/live/json-pieces.js';
import { formatEvent, resultPieces } from '../../src/live/sse-sink.js';
import { eventFragments, eventFrame } from '../../src/ws/ws-frames.js';

describe('utf8Prefix', () => {
  it('when the cut falls inside a character, then the whole character is left out', () => {
    expect(utf8Prefix('aé€😀', 1)).toBe('a');
    expect(utf8Prefix('aé€😀', 2)).toBe('a');
    expect(utf8Prefix('aé€😀', 3)).toBe('aé');
    expect(utf8Prefix('aé€😀', 9)).toBe('aé€');
    expect(utf8Prefix('aé€😀', 10)).toBe('aé€😀');
    expect(utf8Prefix('abc', 0)).toBe('');
  });
});

describe('formatEvent', () => {
  it('when data holds line breaks, then the event is still one data line', () => {
    expect(formatEvent({ type: 'stdout', data: 'a\nb\r\n' })).toBe(
      'event: stdout\ndata: {"data":"a\\nb\\r\\n"}\n\n',
    );
  });
});

describe('result pieces', () => {
  const joined = (pieces: JsonPiece[]) =>
    Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))).toString();
  const output = 'é😀 "quoted"\n'.repeat(4000);
  const transcript = createLiveTranscript({ compile: 100, run: 1000 });
  transcript.stage('run');
  transcript.data('stdout', output);
  transcript.exit('run', 0, null);
  const result = transcript.result({ language: 'python', version: '3' });

  it('when a result is written in pieces, then the SSE event is the text formatEvent makes', () => {
    expect(joined(resultPieces(result))).toBe(formatEvent({ type: 'result', result }));
  });

  it('when a result is sent in fragments, then the WebSocket message is the frame eventFrame makes', () => {
    const fragments = eventFragments({ type: 'result', result });
    expect(fragments.length).toBeGreaterThan(1);
    expect(joined(fragments)).toBe(eventFrame({ type: 'result', result }));
  });
});

describe('createLiveTranscript', () => {
  it('when a stage is SIGKILLed before its time limit, then it is not called a timeout', () => {
    let now = 0;
    const transcript = createLiveTranscript({ compile: 100, run: 1000 }, () => now);
    transcript.stage('run');
    now = 500;
    transcript.exit('run', null, 'SIGKILL');
    expect(transcript.result({ language: 'python', version: '3' }).status).toBe('killed');
  });

  it('when a stage is SIGKILLed at its time limit, then it is a timeout', () => {
    let now = 0;
    const transcript = createLiveTranscript({ compile: 100, run: 1000 }, () => now);
    transcript.stage('run');
    now = 1000;
    transcript.exit('run', null, 'SIGKILL');
    expect(transcript.result({ language: 'python', version: '3' }).status).toBe('timeout');
  });

  it('when the gateway kills the compile stage, then the result is killed, not compile_error', () => {
    const transcript = createLiveTranscript({ compile: 100, run: 1000 });
    transcript.stage('compile');
    const result = transcript.result(
      { language: 'c', version: '12' },
      { status: 'killed', error: 'Killed' },
    );
    expect(result).toMatchObject({ status: 'killed', success: false });
    expect(result.compile).toMatchObject({ signal: 'SIGKILL' });
  });
});
