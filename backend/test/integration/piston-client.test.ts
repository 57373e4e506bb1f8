import { getEventListeners } from 'node:events';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { UpstreamError, UpstreamTimeoutError, UpstreamUnavailableError } from '../../src/errors.js';
import {
  PistonCallAbortedError,
  PistonRuntimeUnknownError,
  createPistonClient,
  pistonApiRoot,
  pistonRootUrl,
} from '../../src/piston/piston-client.js';
import { startFakePiston, type FakePiston } from '../support/fake-piston-server.js';
import { freePort } from '../support/free-port.js';
import { PYTHON_HELLO_REQUEST } from '../support/piston-requests.js';

const HELLO = PYTHON_HELLO_REQUEST;

let fake: FakePiston;
beforeAll(async () => {
  fake = await startFakePiston();
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  fake.behave('version', undefined);
  fake.behave('runtimes', undefined);
  fake.behave('execute', undefined);
});

describe('pistonApiRoot', () => {
  it.each([
    ['http://piston:2000', 'http://piston:2000/api/v2'],
    ['http://piston:2000/', 'http://piston:2000/api/v2'],
    ['http://piston:2000/api/v2', 'http://piston:2000/api/v2'],
    ['http://piston:2000/api/v2/', 'http://piston:2000/api/v2'],
    ['https://proxy.example.com/piston', 'https://proxy.example.com/piston/api/v2'],
    ['https://emkc.org/api/v2/piston', 'https://emkc.org/api/v2/piston'],
  ])('when PISTON_URL is %s, then the API root is %s', (input, expected) => {
    expect(pistonApiRoot(input)).toBe(expected);
  });
});

describe('pistonRootUrl', () => {
  it.each([
    ['http://piston:2000', 'http://piston:2000/'],
    ['http://piston:2000/api/v2', 'http://piston:2000/'],
    ['http://piston:2000/api/v2/', 'http://piston:2000/'],
    ['https://proxy.example.com/piston', 'https://proxy.example.com/piston/'],
    ['https://proxy.example.com/piston/api/v2', 'https://proxy.example.com/piston/'],
    ['https://emkc.org/api/v2/piston', 'https://emkc.org/'],
  ])("when PISTON_URL is %s, then Piston's root is %s", (input, expected) => {
    expect(pistonRootUrl(input)).toBe(expected);
  });
});

describe('createPistonClient', () => {
  const client = () => createPistonClient({ baseUrl: fake.url, timeoutMs: 500 });

  it('when Piston lists runtimes, then they are parsed', async () => {
    const runtimes = await client().listRuntimes();

    expect(runtimes.map((rt) => rt.language)).toContain('python');
    expect(runtimes.find((rt) => rt.language === 'java')?.aliases).toEqual([]);
  });

  it("when Piston's root says its version, then version() returns it", async () => {
    expect(await client().version()).toBe('3.1.1');
    expect(fake.requests.at(-1)).toMatchObject({ method: 'GET', path: '/' });
  });

  it.each([
    ['not the expected sentence', { message: 'Hello' }],
    ['no version number', { message: 'Piston vlatest' }],
    ['a long run of digits', { message: `Piston v${'1'.repeat(50_000)}.` }],
    ['the wrong shape', ['Piston v3.1.1']],
  ])("when Piston's root answers %s, then version() is undefined", async (_name, body) => {
    fake.behave('version', { kind: 'status', status: 200, body, once: true });

    expect(await client().version()).toBeUndefined();
  });

  it('when Piston executes, then the recorded answer is parsed', async () => {
    const result = await client().execute(HELLO, { timeoutMs: 1000 });

    expect(result.run.stdout).toBe('Hello, World!\n');
    expect(fake.executeCalls().at(-1)?.body).toEqual(HELLO);
    // Piston's body-parser reads JSON only when told so (fixture non-json-content-type).
    expect(fake.executeCalls().at(-1)?.headers['content-type']).toBe('application/json');
  });

  it('when extra headers are configured, then every call sends them', async () => {
    await createPistonClient({
      baseUrl: fake.url,
      timeoutMs: 500,
      headers: { 'X-Piston-Secret': 's3cret' },
    }).listRuntimes();

    expect(fake.runtimeCalls().at(-1)?.headers['x-piston-secret']).toBe('s3cret');
  });

  it('when nothing listens, then it is upstream_unavailable with a retry hint', async () => {
    const refused = createPistonClient({
      baseUrl: `http://127.0.0.1:${await freePort()}`,
      timeoutMs: 500,
    });

    const error: unknown = await refused.listRuntimes().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect((error as UpstreamUnavailableError).retryAfterSeconds).toBeGreaterThan(0);
  });

  it('when Piston resets a new connection, then it is upstream_unavailable, not sent again', async () => {
    fake.behave('execute', { kind: 'reset' });
    const calls = fake.executeCalls().length;

    await expect(client().execute(HELLO, { timeoutMs: 1000 })).rejects.toBeInstanceOf(
      UpstreamUnavailableError,
    );
    expect(fake.executeCalls().length - calls).toBe(1);
  });

  it('when Piston drops a pooled keep-alive connection, then the call is sent again on a new one', async () => {
    const c = client();
    await c.listRuntimes();
    // What a client sees when Piston closed the idle socket just as the next call went out.
    fake.behave('execute', { kind: 'reset', once: true });
    const calls = fake.executeCalls().length;
    const connections = fake.connectionsAccepted();

    const result = await c.execute(HELLO, { timeoutMs: 1000 });

    expect(result.run.stdout).toBe('Hello, World!\n');
    expect(fake.executeCalls().length - calls).toBe(2);
    expect(fake.connectionsAccepted() - connections).toBe(1);
    c.close();
  });

  it('when the connection sent again is reset too, then it is upstream_unavailable', async () => {
    const c = client();
    await c.listRuntimes();
    fake.behave('execute', { kind: 'reset' });
    const calls = fake.executeCalls().length;

    await expect(c.execute(HELLO, { timeoutMs: 1000 })).rejects.toBeInstanceOf(
      UpstreamUnavailableError,
    );
    expect(fake.executeCalls().length - calls).toBe(2);
    c.close();
  });

  it('when the client is closed (shutdown) during a call, then the call is not sent again', async () => {
    const c = client();
    await c.listRuntimes();
    fake.behave('execute', { kind: 'hang' });
    const calls = fake.executeCalls().length;

    const pending = c.execute(HELLO, { timeoutMs: 1000 }).catch((e: unknown) => e);
    await vi.waitFor(() => expect(fake.executeCalls().length - calls).toBe(1));
    c.close();

    expect(await pending).toBeInstanceOf(Error);
    expect(fake.executeCalls().length - calls).toBe(1);
  });

  it('when Piston hangs, then it is upstream_timeout after the given time', async () => {
    fake.behave('execute', { kind: 'hang' });
    const started = Date.now();

    await expect(client().execute(HELLO, { timeoutMs: 200 })).rejects.toBeInstanceOf(
      UpstreamTimeoutError,
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('when Piston answers 500, then it is upstream_error', async () => {
    fake.behave('runtimes', { kind: 'status', status: 500, body: { message: 'boom' } });

    await expect(client().listRuntimes()).rejects.toBeInstanceOf(UpstreamError);
  });

  it('when Piston answers something that is not JSON, then it is upstream_error', async () => {
    fake.behave('execute', { kind: 'garbage' });

    await expect(client().execute(HELLO, { timeoutMs: 1000 })).rejects.toThrow(
      'The execution engine sent an unexpected answer',
    );
  });

  it('when Piston answers JSON of the wrong shape, then it is upstream_error', async () => {
    fake.behave('runtimes', { kind: 'status', status: 200, body: { runtimes: [] } });

    await expect(client().listRuntimes()).rejects.toBeInstanceOf(UpstreamError);
  });

  it('when Piston says the runtime is unknown, then a dedicated error is thrown', async () => {
    await expect(
      client().execute({ ...HELLO, version: '9.9.9' }, { timeoutMs: 1000 }),
    ).rejects.toBeInstanceOf(PistonRuntimeUnknownError);
  });

  it('when Piston rejects the request for another reason, then it is upstream_error', async () => {
    fake.behave('execute', {
      kind: 'status',
      status: 400,
      body: { message: 'run_timeout cannot exceed the configured limit of 3000' },
    });

    const error: unknown = await client()
      .execute(HELLO, { timeoutMs: 1000 })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).not.toBeInstanceOf(PistonRuntimeUnknownError);
    expect((error as UpstreamError).cause).toMatchObject({ status: 400 });
  });

  it('when Piston answers more than the size limit, then it is upstream_error', async () => {
    const small = createPistonClient({ baseUrl: fake.url, timeoutMs: 500, maxResponseBytes: 100 });

    await expect(small.listRuntimes()).rejects.toThrow('oversized');
  });

  it('when Piston answers with a redirect, then it is not followed and is upstream_error', async () => {
    const elsewhere = await startFakePiston();
    fake.behave('runtimes', { kind: 'redirect', location: `${elsewhere.url}/api/v2/runtimes` });

    const error: unknown = await client()
      .listRuntimes()
      .catch((e: unknown) => e);
    await elsewhere.close();

    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).cause).toMatchObject({ status: 307 });
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('when the environment names an HTTP proxy, then calls still go straight to Piston', async () => {
    const proxy = `http://127.0.0.1:${await freePort()}`;
    vi.stubEnv('HTTP_PROXY', proxy);
    vi.stubEnv('http_proxy', proxy);
    try {
      const runtimes = await client().listRuntimes();

      expect(runtimes.length).toBeGreaterThan(0);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('when a request is over maxRequestBytes, then it is payload_too_large and nothing is sent', async () => {
    const small = createPistonClient({ baseUrl: fake.url, timeoutMs: 500, maxRequestBytes: 100 });
    const calls = fake.executeCalls().length;

    const error: unknown = await small.execute(HELLO, { timeoutMs: 1000 }).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'payload_too_large' });
    expect(fake.executeCalls().length).toBe(calls);
  });

  it('when calls follow one another, then they reuse one keep-alive connection', async () => {
    const c = client();
    const before = fake.connectionsAccepted();

    for (let i = 0; i < 5; i += 1) await c.listRuntimes();

    expect(fake.connectionsAccepted() - before).toBe(1);
    c.close();
  });

  it('when calls reuse a connection, then its TCP keep-alive is set with one delay (no system call per call)', async () => {
    // axios and the agent both set keep-alive on every call; Node skips the system calls only
    // when the setting does not change (8 setsockopt calls per request before).
    const setKeepAlive = vi.spyOn(net.Socket.prototype, 'setKeepAlive');
    const c = client();
    try {
      for (let i = 0; i < 5; i += 1) await c.listRuntimes();

      expect(setKeepAlive.mock.calls.length).toBeGreaterThanOrEqual(5);
      expect(new Set(setKeepAlive.mock.calls.map((args) => `${args[0]}/${args[1]}`)).size).toBe(1);
    } finally {
      setKeepAlive.mockRestore();
      c.close();
    }
  });

  it('when the signal is already aborted, then nothing is sent to Piston', async () => {
    const calls = fake.executeCalls().length;

    await expect(
      client().execute(HELLO, { timeoutMs: 1000, signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(PistonCallAbortedError);
    expect(fake.executeCalls().length).toBe(calls);
  });

  it('when calls end, answered or failed, then they leave no listener on the signal', async () => {
    const controller = new AbortController();
    const c = client();

    await c.execute(HELLO, { timeoutMs: 1000, signal: controller.signal });
    fake.behave('execute', { kind: 'status', status: 500, body: { message: 'boom' } });
    await c.execute(HELLO, { timeoutMs: 1000, signal: controller.signal }).catch(() => undefined);

    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    c.close();
  });

  it('when the caller aborts, then the call stops at once with an aborted error', async () => {
    fake.behave('execute', { kind: 'hang' });
    const controller = new AbortController();
    const started = Date.now();

    const pending = client().execute(HELLO, { timeoutMs: 5000, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);

    await expect(pending).rejects.toBeInstanceOf(PistonCallAbortedError);
    // Well before the 5 s timeout: the connection was closed, not left to time out.
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
