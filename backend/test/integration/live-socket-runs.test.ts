import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { useTestServers, type TestApp } from '../support/build-test-app.js';
import { sample, scrapeMetrics } from '../support/scrape-metrics.js';
import { waitFor } from '../support/wait-for.js';

const { app, serve } = useTestServers();

const HELLO = { language: 'python', code: 'print("Hello, World!")' };
const INTERACTIVE =
  'name = input("name? ")\nprint("hello", name, flush=True)\nage = input()\nprint("age", age)';

/** A client socket that collects its frames and its close. */
async function open(t: TestApp) {
  const { port } = await serve(t, { SHUTDOWN_TIMEOUT_MS: 1000 });
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/execute/ws`);
  const frames: Record<string, unknown>[] = [];
  ws.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString('utf8'))));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  await new Promise<void>((resolve) => ws.once('open', () => resolve()));
  const send = (frame: unknown) => ws.send(JSON.stringify(frame));
  return { ws, frames, closed, send, port };
}

const stdinAtPiston = (t: TestApp, session = 0) =>
  (t.fake.live.sessions[session]?.received ?? []).filter(
    (frame) => (frame as { type?: string }).type === 'data',
  );

const inProgress = async (t: TestApp) =>
  sample(await scrapeMetrics(t.app), 'gateway_live_runs_in_progress');

describe('GET /api/execute/ws: stdin and kill', () => {
  it('when the client sends empty stdin frames, then none of them reaches Piston', async () => {
    // `data: ""` counted 0 bytes: 50,000 of them reached Piston with MAX_STDIN_BYTES=4.
    const t = await app({ MAX_STDIN_BYTES: '4' });
    t.fake.live.behave({ mode: 'hang' });
    const client = await open(t);
    client.send({ type: 'init', ...HELLO });
    await waitFor(() => Promise.resolve(client.frames.some((f) => f.type === 'stage')));
    for (let i = 0; i < 1000; i += 1) client.send({ type: 'stdin', data: '' });
    client.send({ type: 'stdin', data: 'ab' });
    await waitFor(() => Promise.resolve(stdinAtPiston(t).length > 0));
    expect(stdinAtPiston(t)).toEqual([{ type: 'data', stream: 'stdin', data: 'ab' }]);
    client.ws.close();
  });

  it('when stdin frames come while the run waits for a slot, then they are kept as one string', async () => {
    const t = await app({
      MAX_CONCURRENT_EXECUTIONS: '1',
      QUEUE_TIMEOUT_MS: '10000',
      COMPILE_TIMEOUT_MS: '100',
      PISTON_TIMEOUT_MS: '200',
    });
    t.fake.live.behave({ mode: 'hang' });
    const first = await open(t);
    first.send({ type: 'init', ...HELLO, timeout: 300 });
    await waitFor(() => Promise.resolve(first.frames.some((f) => f.type === 'stage')));
    t.fake.live.behave(undefined);
    const second = await open(t);
    second.send({ type: 'init', language: 'python', code: INTERACTIVE });
    for (let i = 0; i < 1000; i += 1) second.send({ type: 'stdin', data: '' });
    second.send({ type: 'stdin', data: 'Ada\n' });
    second.send({ type: 'stdin', data: '36\n' });
    // The first job's deadline frees the slot; the second then runs with what was queued.
    expect((await second.closed).code).toBe(1000);
    expect(second.frames.at(-1)).toMatchObject({
      result: { output: 'name? hello Ada\nage 36\n' },
    });
    expect(stdinAtPiston(t, 1)).toEqual([{ type: 'data', stream: 'stdin', data: 'Ada\n36\n' }]);
  });

  it('when the client kills a run Piston has not acknowledged, then runtime and a killed result come at once', async () => {
    // The kill was only looked at when Piston's runtime came: with a silent Piston it took the
    // whole deadline, and the socket closed 1000 "killed" without a result.
    const t = await app({ COMPILE_TIMEOUT_MS: '100', PISTON_TIMEOUT_MS: '300' });
    t.fake.live.behave({ mode: 'silent' });
    const client = await open(t);
    client.send({ type: 'init', ...HELLO, timeout: 1000 });
    await waitFor(() => Promise.resolve(t.fake.live.sessions[0]?.received.length === 1));
    const killedAt = performance.now();
    client.send({ type: 'kill' });
    expect((await client.closed).code).toBe(1000);
    expect(performance.now() - killedAt).toBeLessThan(500);
    expect(client.frames).toEqual([
      { type: 'runtime', language: 'python', version: '3.11.2' },
      {
        type: 'result',
        result: expect.objectContaining({
          success: false,
          status: 'killed',
          output: '',
          exitCode: null,
          signal: 'SIGKILL',
          language: 'python',
          version: '3.11.2',
        }) as unknown,
      },
    ]);
    // Piston may still start the job: its slot is held until Piston closes or the deadline.
    expect(await inProgress(t)).toBe(1);
    await waitFor(async () => (await inProgress(t)) === 0, { timeoutMs: 5000 });
  });

  it('when the client kills a run still waiting for a slot, then it gets a killed result at once', async () => {
    const t = await app({ MAX_CONCURRENT_EXECUTIONS: '1', QUEUE_TIMEOUT_MS: '10000' });
    t.fake.live.behave({ mode: 'hang' });
    const first = await open(t);
    first.send({ type: 'init', ...HELLO });
    await waitFor(() => Promise.resolve(first.frames.some((f) => f.type === 'stage')));
    const second = await open(t);
    second.send({ type: 'init', ...HELLO });
    await new Promise((resolve) => setTimeout(resolve, 100));
    second.send({ type: 'kill' });
    expect((await second.closed).code).toBe(1000);
    expect(second.frames.map((f) => f.type)).toEqual(['runtime', 'result']);
    expect(second.frames[1]).toMatchObject({ result: { status: 'killed' } });
    expect(t.fake.live.sessions).toHaveLength(1);
    first.ws.close();
  });
});
