import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { useTestServers, type TestApp } from '../support/build-test-app.js';
import { sample, scrapeMetrics } from '../support/scrape-metrics.js';
import { postSse } from '../support/sse-client.js';
import { waitFor } from '../support/wait-for.js';

const { app, serve } = useTestServers();

const HELLO = { language: 'python', code: 'print("Hello, World!")' };
/** Recorded: prints tick 0..2 300 ms apart, 1.1 s in all. */
const TICKS =
  'import time\nfor i in range(3):\n    print("tick", i, flush=True)\n    time.sleep(0.3)';

async function url(t: TestApp) {
  const { port } = await serve(t, { SHUTDOWN_TIMEOUT_MS: 1000 });
  return `http://127.0.0.1:${port}/api/execute/stream`;
}

const inProgress = async (t: TestApp) =>
  sample(await scrapeMetrics(t.app), 'gateway_live_runs_in_progress');

describe('POST /api/execute/stream: protection', () => {
  it('when an endless printer runs, then output stops at MAX_STREAM_OUTPUT_BYTES with status output_limit', async () => {
    const t = await app({
      MAX_STREAM_OUTPUT_BYTES: '64kb',
      COMPILE_TIMEOUT_MS: '100',
      PISTON_TIMEOUT_MS: '300',
    });
    t.fake.live.behave({ mode: 'flood', chunkBytes: 10_000 });
    const exchange = await postSse(await url(t), { ...HELLO, timeout: 3000 });
    await exchange.ended;
    const stdout = exchange.events.filter((e) => e.event === 'stdout');
    const bytes = stdout.reduce((sum, e) => sum + Buffer.byteLength(String(e.data.data)), 0);
    expect(bytes).toBe(64 * 1024);
    const result = exchange.events.at(-1);
    expect(result?.event).toBe('result');
    expect(result?.data).toMatchObject({ status: 'output_limit', truncated: true, success: false });
    expect(String(result?.data.output).length).toBe(64 * 1024);
    // The gateway asked Piston to stop (it will not: defect 1), then, the program still
    // flooding, dropped the socket rather than read on; the slot stays taken until the deadline.
    const session = t.fake.live.sessions[0];
    await waitFor(() => Promise.resolve(session?.closeCode !== undefined));
    expect(session?.received).toContainEqual({ type: 'signal', signal: 'SIGKILL' });
    expect(session?.closedBy).toBe('client');
    expect(session?.jobRunning).toBe(true);
    expect(await inProgress(t)).toBe(1);
    await waitFor(async () => (await inProgress(t)) === 0, { timeoutMs: 10_000 });
  });

  it('when the client stops reading, then the run ends instead of buffering without bound', async () => {
    // Events far smaller than the threshold: only a client that is really behind can trip it.
    const t = await app(
      { MAX_STREAM_OUTPUT_BYTES: '16mb' },
      {},
      { live: { maxBufferedBytes: 64 * 1024, slowReaderMs: 100 } },
    );
    t.fake.live.behave({ mode: 'flood', chunkBytes: 4 * 1024 });
    const target = new URL(await url(t));
    const body = JSON.stringify({ ...HELLO, timeout: 5000 });
    const text = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(
        target,
        { method: 'POST', headers: { 'content-type': 'application/json' } },
        (res) => {
          res.pause();
          // Read nothing until the gateway has given up on this client.
          waitFor(
            async () =>
              sample(
                await scrapeMetrics(t.app),
                'gateway_live_runs_total{outcome="output_limit"}',
              ) === 1,
            { timeoutMs: 15_000 },
          ).then(() => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
            res.resume();
          }, reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    const last = text.trimEnd().split('\n\n').at(-1) ?? '';
    expect(last).toContain('event: result');
    expect(last).toContain('"status":"output_limit"');
    expect(last).toContain('did not read the output fast enough');
  });

  it('when the client disconnects, then the run is killed but its slot is held until Piston closes the job', async () => {
    const t = await app();
    const exchange = await postSse(await url(t), { language: 'python', code: TICKS });
    await exchange.waitFor('stdout');
    exchange.abort();
    const session = t.fake.live.sessions[0];
    await waitFor(() => Promise.resolve(session?.received.length === 2));
    expect(session?.received[1]).toEqual({ type: 'signal', signal: 'SIGKILL' });
    // Piston runs the job on (defect 3): the gateway keeps the socket, and the slot, open.
    expect(session?.jobRunning).toBe(true);
    expect(session?.closeCode).toBeUndefined();
    expect(await inProgress(t)).toBe(1);
    await waitFor(async () => (await inProgress(t)) === 0, { timeoutMs: 5000 });
    expect(session?.closedBy).toBe('server');
    expect(session?.closeCode).toBe(4999);
    const text = await scrapeMetrics(t.app);
    expect(sample(text, 'gateway_live_runs_total{outcome="killed"}')).toBe(1);
  });

  it("when a vanished client's job still runs, then the next run waits for its slot", async () => {
    const t = await app({ MAX_CONCURRENT_EXECUTIONS: '1', QUEUE_TIMEOUT_MS: '10000' });
    const first = await postSse(await url(t), { language: 'python', code: TICKS });
    await first.waitFor('stdout');
    first.abort();
    const second = await postSse(await url(t), HELLO);
    await second.ended;
    // The second job reached Piston only after the first one's socket was closed by Piston.
    const [a, b] = t.fake.live.sessions;
    expect(a?.closedBy).toBe('server');
    expect(b?.received[0]).toMatchObject({ type: 'init' });
    expect(t.fake.live.peakJobs()).toBe(1);
    expect(second.events.at(-1)?.data).toMatchObject({ status: 'ok' });
  });

  it('when Piston never finishes, then the deadline ends the run with an error event and frees the slot', async () => {
    const t = await app({ COMPILE_TIMEOUT_MS: '100', PISTON_TIMEOUT_MS: '200' });
    t.fake.live.behave({ mode: 'hang' });
    const exchange = await postSse(await url(t), { ...HELLO, timeout: 200 });
    await exchange.ended;
    const last = exchange.events.at(-1);
    expect(last?.event).toBe('error');
    expect(last?.data).toMatchObject({ code: 'upstream_timeout' });
    expect(typeof last?.data.requestId).toBe('string');
    await waitFor(async () => (await inProgress(t)) === 0);
    await waitFor(() => Promise.resolve(t.fake.live.sessions[0]?.closeCode !== undefined));
  });

  it('when Piston drops the connection mid-run, then the stream ends with an error event', async () => {
    const t = await app();
    t.fake.live.behave({ mode: 'drop' });
    const exchange = await postSse(await url(t), HELLO);
    await exchange.ended;
    expect(exchange.events.map((e) => e.event)).toEqual(['runtime', 'stage', 'error']);
    expect(exchange.events.at(-1)?.data).toMatchObject({ code: 'upstream_error' });
    expect(JSON.stringify(exchange.events)).not.toContain('127.0.0.1');
  });

  it('when Piston never acknowledges the init, then the answer is a plain 504 before any stream', async () => {
    const t = await app({ COMPILE_TIMEOUT_MS: '100', PISTON_TIMEOUT_MS: '200' });
    t.fake.live.behave({ mode: 'silent' });
    const exchange = await postSse(await url(t), { ...HELLO, timeout: 200 });
    expect(exchange.status).toBe(504);
    expect(exchange.json).toMatchObject({ code: 'upstream_timeout' });
  });
});

describe('POST /api/execute/stream: refused before the stream', () => {
  it('when the execute limit is used up, then 429 is a JSON error, not a stream', async () => {
    const t = await app({ EXECUTE_RATE_LIMIT_MAX: '1' });
    const target = await url(t);
    await (
      await postSse(target, HELLO)
    ).ended;
    const refused = await postSse(target, HELLO);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toContain('application/json');
    expect(refused.json).toMatchObject({ code: 'rate_limited' });
    expect(t.fake.live.sessions).toHaveLength(1);
  });

  it('when every slot is taken and the queue is full, then 503 overloaded, and it is not charged', async () => {
    const t = await app({
      MAX_CONCURRENT_EXECUTIONS: '1',
      MAX_QUEUE_SIZE: '0',
      EXECUTE_RATE_LIMIT_MAX: '2',
    });
    t.fake.live.behave({ mode: 'hang' });
    const target = await url(t);
    const first = await postSse(target, HELLO);
    await first.waitFor('stage');
    const refused = await postSse(target, HELLO);
    expect(refused.status).toBe(503);
    expect(refused.json).toMatchObject({ code: 'overloaded' });
    expect(refused.headers.get('retry-after')).toBe('2');
    // Refunded: the limit of 2 still has one execution left after the hanging one.
    await waitFor(async () => {
      const usage = await fetch(target.replace('/execute/stream', '/usage'));
      const body = (await usage.json()) as { limits: { name: string; remaining: number }[] };
      return body.limits.find((l) => l.name === 'execute')?.remaining === 1;
    });
    first.abort();
  });

  it('when the body is invalid or the language unknown, then the usual 400s', async () => {
    const t = await app();
    const target = await url(t);
    const invalid = await postSse(target, { language: 'python' });
    expect(invalid.status).toBe(400);
    expect(invalid.json).toMatchObject({ code: 'invalid_request' });
    const unknown = await postSse(target, { language: 'cobol', code: 'x' });
    expect(unknown.status).toBe(400);
    expect(unknown.json).toMatchObject({ code: 'unsupported_language' });
    const notJson = await postSse(target, 'x', { 'content-type': 'text/plain' });
    expect(notJson.status).toBe(415);
    expect(t.fake.live.sessions).toHaveLength(0);
  });

  it('when Piston no longer has the runtime, then 400 unsupported_language before any stream', async () => {
    const t = await app();
    const target = await url(t);
    await t.runtimes.get();
    t.fake.runtimes.splice(0, t.fake.runtimes.length);
    const refused = await postSse(target, HELLO);
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ code: 'unsupported_language' });
  });

  it('when Piston is unreachable, then 503 upstream_unavailable before any stream', async () => {
    const t = await app();
    const target = await url(t);
    await t.runtimes.get();
    await t.fake.close();
    const refused = await postSse(target, HELLO);
    expect(refused.status).toBe(503);
    expect(refused.json).toMatchObject({ code: 'upstream_unavailable' });
  });
});
