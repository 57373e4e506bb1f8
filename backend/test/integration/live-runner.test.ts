import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { appLiveRunner } from '../../src/app.js';
import type { PreparedExecution } from '../../src/execution/execution-service.js';
import type { LiveEvent, LiveSink } from '../../src/live/live-events.js';
import { useTestApps } from '../support/build-test-app.js';
import { heapUsedAfterGc } from '../support/heap.js';
import { waitFor } from '../support/wait-for.js';

const app = useTestApps();

/** Recorded: prompts, reads a name and an age from stdin, prints both. */
const INTERACTIVE =
  'name = input("name? ")\nprint("hello", name, flush=True)\nage = input()\nprint("age", age)';

function prepared(code: string, stdin = ''): PreparedExecution {
  return {
    request: {
      language: 'python',
      version: '3.11.2',
      files: [{ name: 'main.py', content: code }],
      stdin,
      args: [],
      compile_timeout: 10_000,
      run_timeout: 3000,
      compile_cpu_time: 10_000,
      run_cpu_time: 3000,
      compile_memory_limit: -1,
      run_memory_limit: -1,
    },
    runtime: { language: 'python', version: '3.11.2', aliases: [] },
  };
}

function memorySink(): LiveSink & { events: LiveEvent[]; next(type: string): Promise<LiveEvent> } {
  const events: LiveEvent[] = [];
  const waiters: { type: string; resolve: (event: LiveEvent) => void }[] = [];
  return {
    events,
    send(event) {
      events.push(event);
      for (const w of waiters.filter((w) => w.type === event.type)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(event);
      }
    },
    buffered: () => 0,
    next(type) {
      return new Promise((resolve) => waiters.push({ type, resolve }));
    },
  };
}

const stdout = (events: LiveEvent[]) =>
  events.flatMap((e) => (e.type === 'stdout' ? [e.data] : [])).join('');

describe('LiveRunner', () => {
  it('when the client answers prompts, then its stdin reaches the program and the answers stream back', async () => {
    const t = await app();
    const sink = memorySink();
    const run = await appLiveRunner(t.app).start(prepared(INTERACTIVE), sink, { requestId: 'r1' });
    expect(sink.events[0]).toEqual({ type: 'runtime', language: 'python', version: '3.11.2' });
    await sink.next('stdout');
    run.write('Ada\n');
    await waitFor(() => Promise.resolve(stdout(sink.events).includes('hello Ada')));
    run.write('36\n');
    await run.done;
    expect(stdout(sink.events)).toBe('name? hello Ada\nage 36\n');
    expect(sink.events.at(-1)).toMatchObject({ type: 'result', result: { status: 'ok' } });
    expect(t.fake.live.sessions[0]?.received.slice(1)).toEqual([
      { type: 'data', stream: 'stdin', data: 'Ada\n' },
      { type: 'data', stream: 'stdin', data: '36\n' },
    ]);
  });

  it('when stdin is written during the compile stage, then it waits for the run (not the compiler)', async () => {
    const t = await app();
    const sink = memorySink();
    const cpp = prepared('#include <iostream>\nint main(){ std::cout << "hi c++" << std::endl; }');
    cpp.request.language = 'c++';
    cpp.request.version = '12.2.0';
    const run = await appLiveRunner(t.app).start(cpp, sink, { requestId: 'r2' });
    await sink.next('stage');
    run.write('early\n');
    // The recorded compile takes ~940 ms: a frame sent at once would have arrived by its exit.
    await sink.next('exit');
    const session = t.fake.live.sessions[0];
    expect(session?.received).toHaveLength(1);
    await run.done;
    expect(session?.received[1]).toEqual({ type: 'data', stream: 'stdin', data: 'early\n' });
  });

  it('when stdin over the run passes MAX_STDIN_BYTES, then the run ends with payload_too_large', async () => {
    const t = await app({ MAX_STDIN_BYTES: '10' });
    const sink = memorySink();
    const run = await appLiveRunner(t.app).start(prepared(INTERACTIVE, 'Ada'), sink, {
      requestId: 'r3',
    });
    await sink.next('stdout');
    run.write('1234567\n');
    await run.done;
    expect(sink.events.at(-1)).toEqual({
      type: 'error',
      error: 'The stdin of a live run is limited to 10 bytes in total',
      code: 'payload_too_large',
      requestId: 'r3',
    });
    // Only the body's stdin (at the run's start) reached Piston.
    const frames = t.fake.live.sessions[0]?.received.filter(
      (f) => (f as { type?: string }).type === 'data',
    );
    expect(frames).toEqual([{ type: 'data', stream: 'stdin', data: 'Ada\n' }]);
  });

  it('when the client kills a run, then its result comes at once with status killed', async () => {
    const t = await app();
    const sink = memorySink();
    const run = await appLiveRunner(t.app).start(prepared(INTERACTIVE), sink, { requestId: 'r4' });
    await sink.next('stdout');
    run.kill();
    await run.done;
    const last = sink.events.at(-1);
    expect(last).toMatchObject({
      type: 'result',
      result: { status: 'killed', success: false, signal: 'SIGKILL', output: 'name? ' },
    });
    run.write('late\n');
    run.kill();
    expect(sink.events.at(-1)).toBe(last);
  });

  it('when the signal aborts after the start, then the run is killed', async () => {
    const t = await app();
    const sink = memorySink();
    const controller = new AbortController();
    const run = await appLiveRunner(t.app).start(prepared(INTERACTIVE), sink, {
      requestId: 'r5',
      signal: controller.signal,
    });
    controller.abort();
    await run.done;
    expect(sink.events.at(-1)).toMatchObject({ type: 'result', result: { status: 'killed' } });
  });

  it('when a run ends, then it leaves no listener on the client signal (which would hold its output)', async () => {
    // The signal lives as long as the client's response, which an idle keep-alive connection
    // keeps: a listener left on it kept each ended run (its transcript, up to the output cap).
    const t = await app();
    const controller = new AbortController();
    for (const [i, program] of ['print("hi")', INTERACTIVE].entries()) {
      const sink = memorySink();
      const run = await appLiveRunner(t.app).start(prepared(program), sink, {
        requestId: `r6-${i}`,
        signal: controller.signal,
      });
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
      if (i === 1) run.kill();
      await run.done;
      expect(sink.events.at(-1)).toMatchObject({ type: 'result' });
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    }
  });

  it('when a run has had its result, then its output is let go while its job still holds the slot', async () => {
    const cap = 16 * 1024 * 1024;
    const t = await app({ MAX_STREAM_OUTPUT_BYTES: String(cap), PISTON_TIMEOUT_MS: '300' });
    t.fake.live.behave({ mode: 'flood', chunkBytes: 64 * 1024 });
    // A sink that keeps nothing of the output, so only the runner could hold it.
    const seen: string[] = [];
    const sink: LiveSink = {
      send: (event) => seen.push(event.type === 'result' ? event.result.status : event.type),
      buffered: () => 0,
    };
    const flood = prepared('endless printer');
    flood.request.compile_timeout = 100;
    const before = heapUsedAfterGc();
    const run = await appLiveRunner(t.app).start(flood, sink, { requestId: 'r7' });
    await run.done;
    expect(seen.at(-1)).toBe('output_limit');
    // Piston runs the printer on (its defect 3): the slot stays taken until the deadline.
    expect(t.fake.live.sessions[0]?.jobRunning).toBe(true);
    expect(heapUsedAfterGc() - before).toBeLessThan(cap / 4);
  });

  it('when the result cannot be serialized, then the run fails with internal_error and the process lives on', async () => {
    // JSON.stringify of a result past V8's string limit threw inside the Piston socket's message
    // handler, uncaught: the whole process exited (#15 review).
    const t = await app();
    const sink = memorySink();
    const deliver = sink.send.bind(sink);
    sink.send = (event) => {
      if (event.type === 'result') throw new RangeError('Invalid string length');
      deliver(event);
    };
    const run = await appLiveRunner(t.app).start(prepared('print("hi")'), sink, {
      requestId: 'r8',
    });
    await run.done;
    expect(sink.events.at(-1)).toEqual({
      type: 'error',
      error: 'The result of the run could not be sent',
      code: 'internal_error',
      requestId: 'r8',
    });
  });

  it('when Piston stops reading, then stdin waits as one string instead of piling frames onto its socket', async () => {
    const t = await app({ MAX_STDIN_BYTES: String(16 * 1024 * 1024) });
    t.fake.live.behave({ mode: 'hang', stopReadingMs: 500 });
    const sink = memorySink();
    const run = await appLiveRunner(t.app).start(prepared('reads on'), sink, { requestId: 'r9' });
    await waitFor(() => Promise.resolve(sink.events.some((event) => event.type === 'stage')));
    const chunk = 'y'.repeat(64 * 1024);
    for (let i = 0; i < 256; i += 1) run.write(chunk);
    const stdin = () =>
      (t.fake.live.sessions[0]?.received ?? []).flatMap((frame) => {
        const { type, data } = frame as { type?: string; data?: string };
        return type === 'data' && typeof data === 'string' ? [data] : [];
      });
    const total = () => stdin().reduce((sum, data) => sum + data.length, 0);
    await waitFor(() => Promise.resolve(total() === 256 * chunk.length), { timeoutMs: 10_000 });
    // Written one frame per write while Piston read; joined once its socket was behind.
    expect(stdin().length).toBeLessThan(256);
    run.kill();
    await run.done;
  });
});
