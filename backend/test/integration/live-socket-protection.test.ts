import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { postExecute, useTestServers, type TestApp } from '../support/build-test-app.js';
import { sample, scrapeMetrics } from '../support/scrape-metrics.js';
import { postSse } from '../support/sse-client.js';
import { waitFor } from '../support/wait-for.js';

const { app, serve } = useTestServers();

const HELLO = { language: 'python', code: 'print("Hello, World!")' };
const KEY = 'k-0123456789abcdef';
/** Recorded: prints tick 0..2 300 ms apart, 1.1 s in all. */
const TICKS =
  'import time\nfor i in range(3):\n    print("tick", i, flush=True)\n    time.sleep(0.3)';

/** A client socket that collects its frames and its close. */
async function open(t: TestApp, path = '/api/execute/ws') {
  const { port } = await serve(t, { SHUTDOWN_TIMEOUT_MS: 1000 });
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`);
  const frames: Record<string, unknown>[] = [];
  ws.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString('utf8'))));
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve) => ws.once('open', () => resolve()));
  const send = (frame: unknown) => ws.send(JSON.stringify(frame));
  return { ws, frames, closed, send, port };
}

const inProgress = async (t: TestApp) =>
  sample(await scrapeMetrics(t.app), 'gateway_live_runs_in_progress');

describe('GET /api/execute/ws: protection', () => {
  it('when an endless printer runs, then its output stops at the cap with a result output_limit', async () => {
    const t = await app({
      MAX_STREAM_OUTPUT_BYTES: '64kb',
      COMPILE_TIMEOUT_MS: '100',
      PISTON_TIMEOUT_MS: '300',
    });
    t.fake.live.behave({ mode: 'flood', chunkBytes: 10_000 });
    const client = await open(t);
    client.send({ type: 'init', ...HELLO, timeout: 3000 });
    expect(await client.closed).toBe(1000);
    const stdout = client.frames.filter((f) => f.type === 'stdout');
    expect(stdout.reduce((sum, f) => sum + String(f.data).length, 0)).toBe(64 * 1024);
    expect(client.frames.at(-1)).toMatchObject({
      type: 'result',
      result: { status: 'output_limit', truncated: true },
    });
  });

  it('when Piston never finishes, then the deadline sends upstream_timeout and closes 1011', async () => {
    const t = await app({ COMPILE_TIMEOUT_MS: '100', PISTON_TIMEOUT_MS: '200' });
    t.fake.live.behave({ mode: 'hang' });
    const client = await open(t);
    client.send({ type: 'init', ...HELLO, timeout: 200 });
    expect(await client.closed).toBe(1011);
    expect(client.frames.at(-1)).toMatchObject({ type: 'error', code: 'upstream_timeout' });
    await waitFor(async () => (await inProgress(t)) === 0);
  });

  it('when the client vanishes mid-run, then its job keeps the slot until Piston closes it', async () => {
    const t = await app();
    const client = await open(t);
    client.send({ type: 'init', language: 'python', code: TICKS });
    await waitFor(() => Promise.resolve(client.frames.some((f) => f.type === 'stdout')));
    client.ws.terminate();
    const session = t.fake.live.sessions[0];
    await waitFor(() => Promise.resolve(session?.received.length === 2));
    expect(session?.jobRunning).toBe(true);
    expect(await inProgress(t)).toBe(1);
    await waitFor(async () => (await inProgress(t)) === 0, { timeoutMs: 5000 });
    expect(session?.closedBy).toBe('server');
  });

  it('when Piston is unreachable, then upstream_unavailable closes 1011 and the run is given back', async () => {
    const t = await app({ EXECUTE_RATE_LIMIT_MAX: '1' });
    await t.runtimes.get();
    await t.fake.close();
    const client = await open(t);
    client.send({ type: 'init', ...HELLO });
    expect(await client.closed).toBe(1011);
    expect(client.frames[0]).toMatchObject({ type: 'error', code: 'upstream_unavailable' });
    const usage = await fetch(`http://127.0.0.1:${client.port}/api/usage`);
    const body = (await usage.json()) as { limits: { name: string; remaining: number }[] };
    expect(body.limits.find((l) => l.name === 'execute')?.remaining).toBe(1);
  });

  it('when a stdin frame is over BODY_LIMIT, then the socket closes 1009', async () => {
    const t = await app({ BODY_LIMIT: '2048' });
    t.fake.live.behave({ mode: 'hang' });
    const client = await open(t);
    client.send({ type: 'init', ...HELLO });
    await waitFor(() => Promise.resolve(client.frames.some((f) => f.type === 'stage')));
    client.send({ type: 'stdin', data: 'x'.repeat(4096) });
    expect(await client.closed).toBe(1009);
    expect(t.fake.live.sessions[0]?.received).toHaveLength(1);
  });

  it('when the API key comes in the URL, then it is ignored', async () => {
    const t = await app({ REQUIRE_API_KEY: 'true', API_KEYS: `web:${KEY}:5` });
    const client = await open(t, `/api/execute/ws?apiKey=${KEY}&api_key=${KEY}&key=${KEY}`);
    client.send({ type: 'init', ...HELLO });
    expect(await client.closed).toBe(1008);
    expect(client.frames[0]).toMatchObject({ type: 'error', code: 'api_key_required' });
    expect(t.fake.live.sessions).toHaveLength(0);
  });
});

describe('Live runs and the result cache', () => {
  it('when the same run was answered by POST /api/execute, then the stream still runs it, and stores nothing', async () => {
    const t = await app({ RESULT_CACHE_TTL_MS: '60000' });
    const { port } = await serve(t, { SHUTDOWN_TIMEOUT_MS: 1000 });
    const stream = `http://127.0.0.1:${port}/api/execute/stream`;
    expect((await postExecute(t, HELLO)).headers['x-cache']).toBe('MISS');
    const live = await postSse(stream, HELLO);
    await live.ended;
    expect(live.events.at(-1)?.data).toMatchObject({ status: 'ok' });
    expect(t.fake.live.sessions).toHaveLength(1);
    // A new program, run live first: the sync route finds nothing cached from it.
    const other = { language: 'python', code: 'print("other")' };
    await (
      await postSse(stream, other)
    ).ended;
    expect((await postExecute(t, other)).headers['x-cache']).toBe('MISS');
  });

  it('when Piston never closes the job, then the result still comes and the slot is held until the deadline', async () => {
    const t = await app({ COMPILE_TIMEOUT_MS: '100', PISTON_TIMEOUT_MS: '300' });
    t.fake.live.behave({ mode: 'never-close' });
    const { port } = await serve(t, { SHUTDOWN_TIMEOUT_MS: 1000 });
    const live = await postSse(`http://127.0.0.1:${port}/api/execute/stream`, {
      ...HELLO,
      timeout: 500,
    });
    await live.ended;
    expect(live.events.at(-1)?.data).toMatchObject({ status: 'ok' });
    expect(await inProgress(t)).toBe(1);
    await waitFor(async () => (await inProgress(t)) === 0, { timeoutMs: 5000 });
    await waitFor(() => Promise.resolve(t.fake.live.sessions[0]?.closeCode !== undefined));
    expect(t.fake.live.sessions[0]?.closedBy).toBe('client');
  });
});
