import { describe, expect, it } from 'vitest';
import { useTestServers, type TestApp } from '../support/build-test-app.js';
import { sample, scrapeMetrics } from '../support/scrape-metrics.js';
import { postSse } from '../support/sse-client.js';
import { waitFor } from '../support/wait-for.js';

const { app, serve } = useTestServers();

const HELLO = { language: 'python', code: 'print("Hello, World!")' };
const RUNTIME = { type: 'runtime', language: 'python', version: '3.11.2' };

async function url(t: TestApp) {
  const { port } = await serve(t, { SHUTDOWN_TIMEOUT_MS: 1000 });
  return `http://127.0.0.1:${port}/api/execute/stream`;
}

const inProgress = async (t: TestApp) =>
  sample(await scrapeMetrics(t.app), 'gateway_live_runs_in_progress');

describe('POST /api/execute/stream: what Piston sends', () => {
  it('when Piston sends an oversized frame before runtime, then the answer is a plain 502 and the slot is freed', async () => {
    // The socket's close cleared the deadline, and the too-large branch needed a runtime to
    // answer: the request hung for ever (#15 review).
    const t = await app();
    t.fake.live.behave({
      mode: 'script',
      frames: [{ message: 'x'.repeat(2 * 1024 * 1024) }],
      close: false,
    });
    const exchange = await postSse(await url(t), HELLO);
    expect(exchange.status).toBe(502);
    expect(exchange.json).toMatchObject({ code: 'upstream_error' });
    await waitFor(async () => (await inProgress(t)) === 0);
  });

  it('when Piston sends an oversized frame after runtime, then the run ends as output_limit', async () => {
    const t = await app();
    t.fake.live.behave({
      mode: 'script',
      frames: [
        { message: RUNTIME },
        { message: { type: 'stage', stage: 'run' } },
        { message: 'x'.repeat(2 * 1024 * 1024) },
      ],
      close: false,
    });
    const exchange = await postSse(await url(t), HELLO);
    await exchange.ended;
    expect(exchange.events.at(-1)?.data).toMatchObject({ status: 'output_limit' });
    await waitFor(async () => (await inProgress(t)) === 0);
  });

  it('when Piston closes before taking the run, then the answer is a plain 502', async () => {
    const t = await app();
    t.fake.live.behave({ mode: 'script', frames: [] });
    const exchange = await postSse(await url(t), HELLO);
    expect(exchange.status).toBe(502);
    expect(exchange.json).toMatchObject({ code: 'upstream_error' });
  });

  it('when the stage frame arrives late, then a SIGKILL after the whole run timeout is still a timeout', async () => {
    // The stage was timed from its frame's arrival: a frame held up for 900 ms made a 1 s
    // timeout look like a 150 ms run that was killed.
    const t = await app();
    t.fake.live.behave({
      mode: 'script',
      frames: [
        { message: RUNTIME },
        { delayMs: 900, message: { type: 'stage', stage: 'run' } },
        { delayMs: 150, message: { type: 'exit', stage: 'run', code: null, signal: 'SIGKILL' } },
      ],
    });
    const exchange = await postSse(await url(t), { ...HELLO, timeout: 1000 });
    await exchange.ended;
    expect(exchange.events.at(-1)?.data).toMatchObject({ status: 'timeout', signal: 'SIGKILL' });
  });

  it('when a program kills itself well within its timeout, then it is not called a timeout', async () => {
    const t = await app();
    t.fake.live.behave({
      mode: 'script',
      frames: [
        { message: RUNTIME },
        { message: { type: 'stage', stage: 'run' } },
        { delayMs: 50, message: { type: 'exit', stage: 'run', code: null, signal: 'SIGKILL' } },
      ],
    });
    const exchange = await postSse(await url(t), { ...HELLO, timeout: 3000 });
    await exchange.ended;
    expect(exchange.events.at(-1)?.data).toMatchObject({ status: 'killed', signal: 'SIGKILL' });
  });
});
