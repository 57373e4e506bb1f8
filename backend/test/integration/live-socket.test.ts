import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { postExecute, useTestServers, type TestApp } from '../support/build-test-app.js';
import { waitFor } from '../support/wait-for.js';

const { app, serve } = useTestServers();

const HELLO = { language: 'python', code: 'print("Hello, World!")' };
const INTERACTIVE =
  'name = input("name? ")\nprint("hello", name, flush=True)\nage = input()\nprint("age", age)';
const KEY = 'k-0123456789abcdef';
/** Output long enough to be sent as pieces (see jsonPieces), with escapes and non-Latin-1 text. */
const LONG_OUTPUT = 'line "quoted" \\ tab\t é 😀\n'.repeat(3000);

/** A client socket with every frame and the close it received, and how the handshake went. */
interface Client {
  ws: WebSocket;
  frames: Record<string, unknown>[];
  /** Resolves with the close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves once the handshake is done; rejects with the refusal's HTTP status. */
  opened: Promise<void>;
}

function connect(port: number, headers: Record<string, string> = {}, maxPayload?: number): Client {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/execute/ws`, {
    headers,
    ...(maxPayload ? { maxPayload } : {}),
  });
  const frames: Record<string, unknown>[] = [];
  ws.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString('utf8'))));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        reject(
          Object.assign(new Error(`HTTP ${res.statusCode}`), {
            status: res.statusCode,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null'),
            headers: res.headers,
          }),
        );
      });
    });
    ws.once('error', reject);
  });
  return { ws, frames, closed, opened };
}

async function open(t: TestApp, headers: Record<string, string> = {}) {
  const { port } = await serve(t);
  const client = connect(port, headers);
  await client.opened;
  return client;
}

const send = (client: Client, frame: unknown) => client.ws.send(JSON.stringify(frame));
const types = (client: Client) => client.frames.map((frame) => frame.type);

describe('GET /api/execute/ws', () => {
  it('when a program prints, then runtime, stage, stdout, exit and result arrive and the socket closes 1000', async () => {
    const t = await app();
    const client = await open(t);

    send(client, { type: 'init', ...HELLO });
    const { code } = await client.closed;

    expect(code).toBe(1000);
    expect(types(client)).toEqual(['runtime', 'stage', 'stdout', 'exit', 'result']);
    expect(client.frames[2]).toEqual({ type: 'stdout', data: 'Hello, World!\n' });
    expect(client.frames[4]).toMatchObject({
      type: 'result',
      result: { success: true, output: 'Hello, World!\n', status: 'ok' },
    });
  });

  it('when the output is long, then the result, sent in fragments, arrives as one frame equal to the answer of POST /api/execute', async () => {
    const body = { language: 'python', code: 'print(LONG)' };
    const t = await app({}, { stdoutByProgram: { [body.code]: LONG_OUTPUT } });
    const client = await open(t);

    send(client, { type: 'init', ...body });
    expect((await client.closed).code).toBe(1000);

    const sync = (await postExecute(t, body)).body as { run: Record<string, unknown> };
    const run = { ...sync.run, cpuTimeMs: null, wallTimeMs: null, memoryBytes: null };
    expect(types(client)).toEqual(['runtime', 'stage', 'stdout', 'exit', 'result']);
    expect(client.frames.at(-1)).toEqual({ type: 'result', result: { ...sync, run } });
  });

  it('when the program asks for input, then stdin frames answer it', async () => {
    const t = await app();
    const client = await open(t);

    send(client, { type: 'init', language: 'python', code: INTERACTIVE });
    await waitFor(() => Promise.resolve(client.frames.some((frame) => frame.data === 'name? ')));
    send(client, { type: 'stdin', data: 'Ada\n' });
    await waitFor(() =>
      Promise.resolve(client.frames.some((frame) => frame.data === 'hello Ada\n')),
    );
    send(client, { type: 'stdin', data: '36\n' });
    const { code } = await client.closed;

    expect(code).toBe(1000);
    const stdin = t.fake.live.sessions[0]?.received.slice(1);
    expect(stdin).toEqual([
      { type: 'data', stream: 'stdin', data: 'Ada\n' },
      { type: 'data', stream: 'stdin', data: '36\n' },
    ]);
    expect(client.frames.at(-1)).toMatchObject({ result: { output: 'name? hello Ada\nage 36\n' } });
  });

  it('when the client sends kill, then the run ends at once as killed', async () => {
    const t = await app();
    t.fake.live.behave({ mode: 'hang' });
    const client = await open(t);

    send(client, { type: 'init', ...HELLO });
    await waitFor(() => Promise.resolve(types(client).includes('stage')));
    send(client, { type: 'kill' });
    const { code } = await client.closed;

    expect(code).toBe(1000);
    expect(client.frames.at(-1)).toMatchObject({ type: 'result', result: { status: 'killed' } });
  });

  it('when stdin passes MAX_STDIN_BYTES, then an error frame payload_too_large and close 1008', async () => {
    const t = await app({ MAX_STDIN_BYTES: '4' });
    t.fake.live.behave({ mode: 'hang' });
    const client = await open(t);

    send(client, { type: 'init', ...HELLO });
    await waitFor(() => Promise.resolve(types(client).includes('stage')));
    send(client, { type: 'stdin', data: 'abcdef' });

    expect((await client.closed).code).toBe(1008);
    expect(client.frames.at(-1)).toMatchObject({ type: 'error', code: 'payload_too_large' });
  });

  it('when stdin is sent right behind init, then it reaches the program once the run starts', async () => {
    const t = await app();
    const client = await open(t);

    send(client, { type: 'init', language: 'python', code: INTERACTIVE });
    send(client, { type: 'stdin', data: 'Ada\n' });
    send(client, { type: 'stdin', data: '36\n' });

    expect((await client.closed).code).toBe(1000);
    expect(client.frames.at(-1)).toMatchObject({ result: { output: 'name? hello Ada\nage 36\n' } });
  });

  it('when a frame after init is neither stdin nor kill, then invalid_request and close 1008', async () => {
    const t = await app();
    t.fake.live.behave({ mode: 'hang' });
    const client = await open(t);

    send(client, { type: 'init', ...HELLO });
    await waitFor(() => Promise.resolve(types(client).includes('stage')));
    send(client, { type: 'init', ...HELLO });

    expect((await client.closed).code).toBe(1008);
    expect(client.frames.at(-1)).toMatchObject({ type: 'error', code: 'invalid_request' });
  });

  it.each([
    ['an invalid body', { type: 'init', language: 'python' }, 'invalid_request'],
    ['an unknown language', { type: 'init', language: 'cobol', code: 'x' }, 'unsupported_language'],
    ['a frame that is not init', { type: 'stdin', data: 'x' }, 'invalid_request'],
    ['an unknown field', { type: 'init', ...HELLO, stdn: 'x' }, 'invalid_request'],
  ])(
    'when the init frame has %s, then an error frame and close 1008',
    async (_name, frame, code) => {
      const t = await app();
      const client = await open(t);

      send(client, frame);
      const closed = await client.closed;

      expect(closed.code).toBe(1008);
      expect(client.frames).toEqual([
        expect.objectContaining({ type: 'error', code, requestId: expect.any(String) }),
      ]);
      expect(t.fake.live.sessions).toHaveLength(0);
    },
  );

  it('when the first frame is not JSON, then invalid_json and close 1008', async () => {
    const t = await app();
    const client = await open(t);

    client.ws.send('{not json');
    const closed = await client.closed;

    expect(closed.code).toBe(1008);
    expect(client.frames[0]).toMatchObject({ type: 'error', code: 'invalid_json' });
  });

  it('when no init frame arrives in time, then an error frame and close 1008', async () => {
    const t = await app({}, {}, { liveSocket: { initTimeoutMs: 100 } });
    const client = await open(t);

    const closed = await client.closed;

    expect(closed.code).toBe(1008);
    expect(client.frames[0]).toMatchObject({ type: 'error', code: 'invalid_request' });
    expect(String(client.frames[0]?.error)).toContain('No init frame');
  });

  it('when a frame is over BODY_LIMIT, then the socket closes 1009', async () => {
    const t = await app({ BODY_LIMIT: '2048' });
    const client = await open(t);

    send(client, { type: 'init', ...HELLO, code: '#'.repeat(4096) });
    const closed = await client.closed;

    expect(closed.code).toBe(1009);
    expect(t.fake.live.sessions).toHaveLength(0);
  });

  it('when a page from an origin outside CORS_ORIGINS connects, then the upgrade is refused 403', async () => {
    const t = await app({ CORS_ORIGINS: 'https://good.example' });
    const { port } = await serve(t);

    const bad = connect(port, { origin: 'https://evil.example' });
    const good = connect(port, { origin: 'https://good.example' });
    const script = connect(port);

    await expect(bad.opened).rejects.toMatchObject({
      status: 403,
      body: { code: 'origin_not_allowed' },
    });
    await expect(good.opened).resolves.toBeUndefined();
    await expect(script.opened).resolves.toBeUndefined();
  });

  it('when REQUIRE_API_KEY and the key comes in the init frame, then the run is counted under the key and the refusal gives its wait', async () => {
    const t = await app({ REQUIRE_API_KEY: 'true', API_KEYS: `web:${KEY}:1` });
    const { port } = await serve(t);
    const first = connect(port);
    await first.opened;

    send(first, { type: 'init', apiKey: KEY, ...HELLO });
    expect((await first.closed).code).toBe(1000);
    const second = connect(port);
    await second.opened;
    send(second, { type: 'init', apiKey: KEY, ...HELLO });
    const refused = await second.closed;

    expect(refused.code).toBe(1008);
    // The wait travels in the frame, as Retry-After does over HTTP (a socket has no headers).
    expect(second.frames[0]).toMatchObject({ type: 'error', code: 'rate_limited' });
    expect((second.frames[0] as { retryAfterSeconds?: number }).retryAfterSeconds).toBeGreaterThan(
      0,
    );
  });

  it.each([
    ['no key', { type: 'init', ...HELLO }, 'api_key_required'],
    ['a wrong key', { type: 'init', apiKey: 'nope', ...HELLO }, 'invalid_api_key'],
  ])(
    'when REQUIRE_API_KEY and the init frame has %s, then it is refused 1008',
    async (_n, frame, code) => {
      const t = await app({ REQUIRE_API_KEY: 'true', API_KEYS: `web:${KEY}:5` });
      const client = await open(t);

      send(client, frame);

      expect((await client.closed).code).toBe(1008);
      expect(client.frames[0]).toMatchObject({ type: 'error', code });
    },
  );

  it('when a header carries a wrong API key, then the upgrade itself is refused 401', async () => {
    const t = await app({ API_KEYS: `web:${KEY}:5` });
    const { port } = await serve(t);

    const client = connect(port, { 'x-api-key': 'wrong' });

    await expect(client.opened).rejects.toMatchObject({
      status: 401,
      body: { code: 'invalid_api_key' },
    });
  });

  it('when the /api limit is used up, then the upgrade is refused 429', async () => {
    const t = await app({ RATE_LIMIT_MAX: '1' });
    const { port } = await serve(t);
    const first = connect(port);
    await first.opened;

    const second = connect(port);

    await expect(second.opened).rejects.toMatchObject({
      status: 429,
      body: { code: 'rate_limited' },
    });
  });

  it('when the gateway is overloaded, then an error frame and close 1013, and the run is not charged', async () => {
    const t = await app({
      MAX_CONCURRENT_EXECUTIONS: '1',
      MAX_QUEUE_SIZE: '0',
      EXECUTE_RATE_LIMIT_MAX: '2',
    });
    t.fake.live.behave({ mode: 'hang' });
    const { port } = await serve(t);
    const holder = connect(port);
    await holder.opened;
    send(holder, { type: 'init', ...HELLO });
    await waitFor(() => Promise.resolve(types(holder).includes('stage')));

    const shed = connect(port);
    await shed.opened;
    send(shed, { type: 'init', ...HELLO });

    expect((await shed.closed).code).toBe(1013);
    expect(shed.frames[0]).toMatchObject({ type: 'error', code: 'overloaded' });
    const usage = (await fetch(`http://127.0.0.1:${port}/api/usage`).then((r) => r.json())) as {
      limits: unknown[];
    };
    expect(usage.limits[1]).toMatchObject({ name: 'execute', remaining: 1 });
    holder.ws.terminate();
  });

  it('when Piston drops the connection mid-run, then an error frame and close 1011', async () => {
    const t = await app();
    t.fake.live.behave({ mode: 'drop' });
    const client = await open(t);

    send(client, { type: 'init', ...HELLO });
    const closed = await client.closed;

    expect(closed.code).toBe(1011);
    expect(client.frames.at(-1)).toMatchObject({
      type: 'error',
      code: 'upstream_error',
      error: 'The connection to the execution engine was lost mid-run',
    });
  });

  it('when the peer stops answering pings, then it is dropped', async () => {
    const t = await app({}, {}, { liveSocket: { pingIntervalMs: 50 } });
    const { port } = await serve(t);
    // A client that never answers pings: ws answers them itself unless autoPong is off.
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/execute/ws`, { autoPong: false });
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));

    expect(await closed).toBe(1006);
  });

  it('when the peer answers pings, then it is kept', async () => {
    const t = await app({}, {}, { liveSocket: { pingIntervalMs: 50, initTimeoutMs: 60_000 } });
    const client = await open(t);
    let pings = 0;
    client.ws.on('ping', () => (pings += 1));

    await waitFor(() => Promise.resolve(pings >= 4));

    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    client.ws.close();
  });

  it('when a socket is open, then it counts against MAX_CONNECTIONS', async () => {
    const t = await app({ MAX_CONNECTIONS: '1' });
    const { port } = await serve(t);
    const client = connect(port);
    await client.opened;

    const res = await fetch(`http://127.0.0.1:${port}/health`).catch((error: unknown) => error);

    expect(res).toMatchObject({ status: 503 });
    client.ws.close();
  });

  it('when the gateway shuts down, then a socket waiting for init is closed 1001', async () => {
    const t = await app({}, {}, { liveSocket: { initTimeoutMs: 60_000 } });
    const running = await serve(t);
    const client = connect(running.port);
    await client.opened;

    await running.shutdown();

    expect((await client.closed).code).toBe(1001);
  });

  it('when a plain GET asks for the socket route, then it is a 400 saying to upgrade', async () => {
    const t = await app();
    const { port } = await serve(t);

    const res = await fetch(`http://127.0.0.1:${port}/api/execute/ws`);

    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'invalid_request' });
  });
});
