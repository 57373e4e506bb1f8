import {
  IncomingMessage as IncomingMessageClass,
  ServerResponse as ServerResponseClass,
  type IncomingMessage,
} from 'node:http';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { appPrototypeClasses, startServer } from '../../src/server.js';
import { useTestServers } from '../support/build-test-app.js';
import { postJson } from '../support/http-exchange.js';

const { app, serve } = useTestServers();

describe('startServer', () => {
  it('when started, then it guards against slow clients with timeouts', async () => {
    const t = await app();
    const running = await serve(t);

    expect(running.server.headersTimeout).toBeGreaterThan(0);
    expect(running.server.requestTimeout).toBeGreaterThan(
      t.config.COMPILE_TIMEOUT_MS + t.config.MAX_RUN_TIMEOUT_MS,
    );
    expect(running.server.keepAliveTimeout).toBeGreaterThan(60_000);
  });

  it('when the port is taken, then it fails with a message that says so, not a stack trace', async () => {
    const t = await app();
    const first = await serve(t);

    const second = startServer(t.app, { ...t.config, PORT: first.port }, { info() {}, warn() {} });

    await expect(second).rejects.toThrow(
      new RegExp(`^Cannot listen on port ${first.port}: another process is already listening`),
    );
  });

  it('when HOST is 127.0.0.1, then it listens there and answers', async () => {
    const t = await app({ HOST: '127.0.0.1' });
    const running = await serve(t);

    const res = await request(`http://127.0.0.1:${running.port}`).get('/health');

    expect(running.host).toBe('127.0.0.1');
    expect(running.server.address()).toMatchObject({ address: '127.0.0.1' });
    expect(res.status).toBe(200);
  });

  it.each([
    ['192.0.2.1', 'HOST is not an address of this machine'],
    ['no-such-host.invalid', 'HOST is not a name this machine can resolve'],
  ])(
    'when HOST is %s, then it fails with a message that says what to set',
    async (host, advice) => {
      const t = await app();

      const started = startServer(
        t.app,
        { ...t.config, HOST: host, PORT: 0 },
        { info() {}, warn() {} },
      );

      await expect(started).rejects.toThrow(
        new RegExp(`^Cannot listen on port 0 of HOST=${host.replaceAll('.', '\\.')}: ${advice}`),
      );
    },
  );

  it('when shutting down, then in-flight executions finish and new connections are refused', async () => {
    const t = await app({}, { delayMs: 300 });
    const running = await serve(t);
    const { port } = running;

    const inFlight = postJson(port, { language: 'python', code: 'print("Hello, World!")' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closed = running.shutdown();
    const late = postJson(port, { language: 'python', code: 'x' }).catch(
      (error: unknown) => (error as NodeJS.ErrnoException).code,
    );

    const result = await inFlight;
    await closed;

    expect(result.status).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ output: 'Hello, World!\n' });
    expect(await late).toBe('ECONNREFUSED');
  });

  it('when a request outlives SHUTDOWN_TIMEOUT_MS, then shutdown still completes', async () => {
    const t = await app();
    t.fake.behave('execute', { kind: 'hang' });
    const running = await serve(t, { SHUTDOWN_TIMEOUT_MS: 200 });

    const stuck = postJson(running.port, { language: 'python', code: 'x' }).catch(() => 'closed');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await running.shutdown();

    expect(Date.now() - started).toBeLessThan(2000);
    expect(await stuck).toBe('closed');
  });
});

describe('requests created with the app prototypes', () => {
  it('when a request arrives, then it already has the prototype Express would give it', async () => {
    const t = await app();
    const gateway = t.app;
    const running = await serve(t);
    const seen: boolean[] = [];
    running.server.prependListener('request', (req: IncomingMessage, res) => {
      seen.push(
        Object.getPrototypeOf(req) === gateway.request &&
          Object.getPrototypeOf(res) === gateway.response,
      );
    });

    const res = await request(`http://127.0.0.1:${running.port}`).get('/health');

    expect(res.status).toBe(200);
    expect(seen).toEqual([true]);
  });

  it("when Node's constructors are ES classes, then the server keeps Node's own", () => {
    const fakeApp = Object.assign(() => undefined, { request: {}, response: {} }) as never;
    // What Node's constructors would look like as ES classes.
    const FutureRequest = class extends IncomingMessageClass {};
    const FutureResponse = class extends ServerResponseClass {};

    expect(Object.keys(appPrototypeClasses(fakeApp))).toEqual([
      'IncomingMessage',
      'ServerResponse',
    ]);
    expect(
      appPrototypeClasses(fakeApp, {
        IncomingMessage: FutureRequest,
        ServerResponse: FutureResponse as never,
      }),
    ).toEqual({});
  });

  it.each([
    [
      'an execution',
      (r: request.Agent) => r.post('/api/execute').send({ language: 'python', code: 'print(1)' }),
      200,
      undefined,
    ],
    [
      'bad JSON',
      (r: request.Agent) =>
        r.post('/api/execute').set('Content-Type', 'application/json').send('{'),
      400,
      'invalid_json',
    ],
    ['an unknown route', (r: request.Agent) => r.get('/nope'), 404, 'not_found'],
    [
      'a CORS preflight',
      (r: request.Agent) =>
        r
          .options('/api/execute')
          .set('Origin', 'http://example.com')
          .set('Access-Control-Request-Method', 'POST'),
      204,
      undefined,
    ],
    [
      'a gzip-compressed language list',
      (r: request.Agent) => r.get('/api/execute/languages').set('Accept-Encoding', 'gzip'),
      200,
      undefined,
    ],
  ] as const)(
    'when the real server answers %s, then it behaves as under supertest',
    async (_name, send, status, code) => {
      const t = await app();
      const running = await serve(t);

      const res = await send(request.agent(`http://127.0.0.1:${running.port}`));

      expect(res.status).toBe(status);
      expect(res.headers['x-request-id']).toEqual(expect.any(String));
      if (code) expect(res.body).toMatchObject({ code, requestId: res.headers['x-request-id'] });
    },
  );
});
