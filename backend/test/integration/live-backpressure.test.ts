import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { useTestServers, type TestApp } from '../support/build-test-app.js';
import type { ScriptedFrame } from '../support/fake-piston-socket.js';
import { sample, scrapeMetrics } from '../support/scrape-metrics.js';
import { postSse } from '../support/sse-client.js';
import { waitFor } from '../support/wait-for.js';

const { app, serve } = useTestServers();

const HELLO = { language: 'python', code: 'print("Hello, World!")' };
/** 60,000 control characters: 360,000 bytes as JSON, more than the 256 KiB threshold. */
const HUGE = '\u0001'.repeat(60_000);
const CHUNKS = 10;

/** A program printing CHUNKS huge chunks, each in one frame, then exiting 0. */
const HUGE_CHUNKS: ScriptedFrame[] = [
  { message: { type: 'runtime', language: 'python', version: '3.11.2' } },
  { message: { type: 'stage', stage: 'run' } },
  ...Array.from({ length: CHUNKS }, () => ({
    message: { type: 'data', stream: 'stdout', data: HUGE },
  })),
  { message: { type: 'exit', stage: 'run', code: 0, signal: null } },
];

const slowOutcomes = async (t: TestApp) =>
  sample(await scrapeMetrics(t.app), 'gateway_live_runs_total{outcome="output_limit"}');

/** A client socket that collects its frames and its close code. */
function connect(port: number) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/execute/ws`);
  const frames: Record<string, unknown>[] = [];
  ws.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString('utf8'))));
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  const opened = new Promise<void>((resolve) => ws.once('open', () => resolve()));
  return { ws, frames, closed, opened };
}

describe('Live runs: readers and backpressure', () => {
  it('when an SSE client reads eagerly, then events larger than the threshold do not cut its run', async () => {
    // Node counts a written event as buffered until the socket took it: one event over the
    // threshold said "slow reader" however fast the client read (#15 review).
    const t = await app();
    t.fake.live.behave({ mode: 'script', frames: HUGE_CHUNKS });
    const { port } = await serve(t, { SHUTDOWN_TIMEOUT_MS: 1000 });
    const exchange = await postSse(`http://127.0.0.1:${port}/api/execute/stream`, HELLO);
    await exchange.ended;
    const result = exchange.events.at(-1);
    expect(result?.event).toBe('result');
    expect(result?.data).toMatchObject({ status: 'ok', truncated: false });
    expect(exchange.events.filter((e) => e.event === 'stdout')).toHaveLength(CHUNKS);
  });

  it('when a WebSocket client reads eagerly, then frames larger than the threshold do not cut its run', async () => {
    const t = await app();
    t.fake.live.behave({ mode: 'script', frames: HUGE_CHUNKS });
    const { port } = await serve(t, { SHUTDOWN_TIMEOUT_MS: 1000 });
    const client = connect(port);
    await client.opened;
    client.ws.send(JSON.stringify({ type: 'init', ...HELLO }));
    expect(await client.closed).toBe(1000);
    expect(client.frames.at(-1)).toMatchObject({ type: 'result', result: { status: 'ok' } });
    expect(client.frames.filter((f) => f.type === 'stdout')).toHaveLength(CHUNKS);
  });

  it('when a WebSocket client stops reading, then its run ends as output_limit, not at the cap', async () => {
    const t = await app(
      { MAX_STREAM_OUTPUT_BYTES: '16mb' },
      {},
      { live: { maxBufferedBytes: 64 * 1024, slowReaderMs: 100 } },
    );
    t.fake.live.behave({ mode: 'flood', chunkBytes: 4 * 1024 });
    const { port } = await serve(t, { SHUTDOWN_TIMEOUT_MS: 1000 });
    const client = connect(port);
    await client.opened;
    client.ws.send(JSON.stringify({ type: 'init', ...HELLO, timeout: 5000 }));
    // The socket stops reading: the gateway's writes pile up in its buffer.
    client.ws.pause();
    await waitFor(async () => (await slowOutcomes(t)) === 1, { timeoutMs: 15_000 });
    client.ws.resume();
    expect(await client.closed).toBe(1000);
    const result = client.frames.at(-1);
    expect(result).toMatchObject({ type: 'result', result: { status: 'output_limit' } });
    expect(JSON.stringify(result)).toContain('did not read the output fast enough');
    const stdout = client.frames.filter((f) => f.type === 'stdout').length;
    expect(stdout * 4 * 1024).toBeLessThan(16 * 1024 * 1024);
  });
});
