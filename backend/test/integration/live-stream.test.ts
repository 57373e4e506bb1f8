import { describe, expect, it } from 'vitest';
import { postExecute, useTestServers, type TestApp } from '../support/build-test-app.js';
import { sample, scrapeMetrics } from '../support/scrape-metrics.js';
import { eventNames, postSse, type SseExchange } from '../support/sse-client.js';
import { waitFor } from '../support/wait-for.js';

const { app, serve } = useTestServers();

const HELLO = { language: 'python', code: 'print("Hello, World!")' };
/** Output long enough to be sent as pieces (see jsonPieces), with escapes and non-Latin-1 text. */
const LONG_OUTPUT = 'line "quoted" \\ tab\t é 😀\n'.repeat(3000);

async function stream(t: TestApp, body: unknown, headers: Record<string, string> = {}) {
  const { port } = await serve(t);
  return postSse(`http://127.0.0.1:${port}/api/execute/stream`, body, headers);
}

async function finished(exchange: SseExchange) {
  await exchange.ended;
  return exchange.events;
}

/** The resource figures the live protocol does not report (null there). */
function withoutResources(result: Record<string, unknown>) {
  const strip = (stage: unknown) =>
    stage && { ...stage, cpuTimeMs: null, wallTimeMs: null, memoryBytes: null };
  return { ...result, compile: strip(result.compile), run: strip(result.run) };
}

describe('POST /api/execute/stream', () => {
  it('when a program prints, then runtime, stage, stdout, exit and result arrive in order as SSE', async () => {
    const t = await app();
    const exchange = await stream(t, HELLO);
    expect(exchange.status).toBe(200);
    expect(exchange.headers.get('content-type')).toBe('text/event-stream');
    expect(exchange.headers.get('cache-control')).toContain('no-cache');
    expect(exchange.headers.get('x-accel-buffering')).toBe('no');
    const events = await finished(exchange);
    expect(eventNames(events)).toEqual(['runtime', 'stage', 'stdout', 'exit', 'result']);
    expect(events[0]?.data).toEqual({ language: 'python', version: '3.11.2' });
    expect(events[1]?.data).toEqual({ stage: 'run' });
    expect(events[2]?.data).toEqual({ data: 'Hello, World!\n' });
    expect(events[3]?.data).toEqual({ stage: 'run', exitCode: 0, signal: null });
  });

  it('when the same fixture runs both ways, then the result equals the answer of POST /api/execute', async () => {
    const t = await app();
    const events = await finished(await stream(t, HELLO));
    const sync = await postExecute(t, HELLO);
    expect(sync.status).toBe(200);
    const live = events.at(-1)?.data as Record<string, unknown>;
    expect(live).toEqual(withoutResources(sync.body as Record<string, unknown>));
    expect(live.run).toMatchObject({ cpuTimeMs: null, wallTimeMs: null, memoryBytes: null });
  });

  it('when the output is long, then the result, written in pieces, still equals the answer of POST /api/execute', async () => {
    const body = { language: 'python', code: 'print(LONG)' };
    const t = await app({}, { stdoutByProgram: { [body.code]: LONG_OUTPUT } });
    const events = await finished(await stream(t, body));
    const sync = await postExecute(t, body);
    const live = events.at(-1)?.data as Record<string, unknown>;
    expect(live.output).toBe(LONG_OUTPUT);
    expect(live).toEqual(withoutResources(sync.body as Record<string, unknown>));
  });

  it('when the request reaches Piston, then init carries the prepared request, no stdin, and the auth header', async () => {
    const t = await app({ PISTON_AUTH_HEADER: 'X-Piston-Secret: s3cret' });
    await finished(await stream(t, { ...HELLO, timeout: 1500, stdin: 'x' }));
    const session = t.fake.live.sessions[0];
    expect(session?.headers['x-piston-secret']).toBe('s3cret');
    const init = session?.received[0] as Record<string, unknown>;
    expect(init).toMatchObject({ type: 'init', language: 'python', version: '3.11.2' });
    expect(init.run_timeout).toBe(1500);
    expect(init.stdin).toBe('');
  });

  it('when a compiled program runs, then both stages are streamed and the result has both', async () => {
    const t = await app();
    const code = '#include <iostream>\nint main(){ std::cout << "hi c++" << std::endl; }';
    const events = await finished(await stream(t, { language: 'c++', code }));
    expect(eventNames(events)).toEqual([
      'runtime',
      'stage',
      'exit',
      'stage',
      'stdout',
      'exit',
      'result',
    ]);
    expect(events.at(-1)?.data).toMatchObject({
      status: 'ok',
      output: 'hi c++\n',
      compile: { exitCode: 0 },
      run: { stdout: 'hi c++\n' },
    });
  });

  it('when compilation fails, then no run stage follows and the result is compile_error', async () => {
    const t = await app();
    const events = await finished(
      await stream(t, { language: 'c', code: 'int main() { return x; }' }),
    );
    expect(events.filter((e) => e.event === 'stage').map((e) => e.data.stage)).toEqual(['compile']);
    const result = events.at(-1)?.data;
    expect(result).toMatchObject({ status: 'compile_error', success: false, exitCode: 1 });
    expect(result).not.toHaveProperty('run');
  });

  it('when Piston kills a program at its run timeout, then the result says timeout, as the sync answer does', async () => {
    const t = await app();
    const events = await finished(
      await stream(t, { language: 'python', code: 'while True: pass', timeout: 1000 }),
    );
    expect(events.at(-1)?.data).toMatchObject({ status: 'timeout', signal: 'SIGKILL' });
  });

  it('when the body has stdin, then it is written once the run stage starts', async () => {
    const t = await app();
    await finished(await stream(t, { ...HELLO, stdin: 'Ada' }));
    expect(t.fake.live.sessions[0]?.received.slice(1)).toEqual([
      { type: 'data', stream: 'stdin', data: 'Ada\n' },
    ]);
  });

  it('when the client accepts gzip, then the stream is still sent uncompressed, event by event', async () => {
    const t = await app();
    const exchange = await stream(t, HELLO, { 'accept-encoding': 'gzip' });
    await finished(exchange);
    expect(exchange.headers.get('content-encoding')).toBeNull();
    expect(exchange.events.at(-1)?.event).toBe('result');
  });

  it('when a stream stays quiet, then ping comments keep it open', async () => {
    const t = await app({}, {}, { live: { pingMs: 30 } });
    t.fake.live.behave({ mode: 'hang' });
    const exchange = await stream(t, HELLO);
    await waitFor(() => Promise.resolve(exchange.comments.length >= 2));
    expect(exchange.comments[0]?.trim()).toBe('ping');
    exchange.abort();
  });

  it('when a run ends, then its outcome and bytes are counted and the log holds no code or output', async () => {
    const t = await app();
    await finished(await stream(t, HELLO));
    const text = await scrapeMetrics(t.app);
    expect(sample(text, 'gateway_live_runs_total{outcome="ok"}')).toBe(1);
    expect(sample(text, 'gateway_live_output_bytes_total{stream="stdout"}')).toBe(14);
    expect(
      sample(
        text,
        'gateway_http_requests_total{method="POST",route="/api/execute/stream",status="200"}',
      ),
    ).toBe(1);
    await waitFor(
      async () => sample(await scrapeMetrics(t.app), 'gateway_live_runs_in_progress') === 0,
    );
    const logs = t.logs.join('');
    expect(logs).toContain('live run ended');
    expect(logs).not.toContain('Hello, World');
  });
});
