import { Agent } from 'node:http';
import { describe, expect, it } from 'vitest';
import { useTestServers } from '../support/build-test-app.js';
import { exchange } from '../support/http-exchange.js';
import { openRawConnection, rawGet, type RawConnection } from '../support/raw-connection.js';
import { waitFor } from '../support/wait-for.js';

const { app, serve } = useTestServers();

const hello = JSON.stringify({ language: 'python', code: 'print("Hello, World!")' });

describe('MAX_CONNECTIONS', () => {
  it('when more clients connect than MAX_CONNECTIONS, then the extra ones get a 503 and are closed, the others keep working, and closing some makes room', async () => {
    const t = await app({ MAX_CONNECTIONS: '3' });
    const running = await serve(t);
    const open: RawConnection[] = [];
    for (let i = 0; i < 3; i++) {
      const connection = await openRawConnection(running.port);
      expect((await connection.send(rawGet())).status).toBe(200);
      open.push(connection);
    }

    const extra = await Promise.all([1, 2].map(() => openRawConnection(running.port)));
    const refusals = await Promise.all(extra.map((connection) => connection.answer()));
    await Promise.all(extra.map((connection) => connection.closed));
    const stillServed = await Promise.all(open.map((connection) => connection.send(rawGet())));
    open[0]?.socket.destroy();
    await waitFor(() => Promise.resolve(running.connections.sockets.size < 3));
    const later = await openRawConnection(running.port);
    const laterAnswer = await later.send(rawGet());
    for (const connection of [...open, later]) connection.socket.destroy();

    for (const refusal of refusals) {
      expect(refusal.status).toBe(503);
      expect(refusal.headers).toMatchObject({ connection: 'close', 'retry-after': '1' });
      expect(JSON.parse(refusal.body)).toMatchObject({ code: 'overloaded' });
    }
    expect(stillServed.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(laterAnswer.status).toBe(200);
    expect(running.connections.refused()).toBe(2);
  });

  it('when connections are refused, then one warning says so, not one per connection', async () => {
    const t = await app({ MAX_CONNECTIONS: '1' });
    const warnings: unknown[] = [];
    const running = await serve(t, {}, { warn: (...args) => warnings.push(args) });
    const first = await openRawConnection(running.port);
    await first.send(rawGet());

    for (let i = 0; i < 5; i++) {
      const extra = await openRawConnection(running.port);
      await extra.closed;
    }
    first.socket.destroy();

    expect(running.connections.refused()).toBe(5);
    expect(warnings).toEqual([
      [{ refused: 1, maxConnections: 1 }, expect.stringContaining('connection limit reached')],
    ]);
  });
});

describe('shutdown', () => {
  it('when an answer is sent while draining, then it says Connection: close, not keep-alive', async () => {
    const t = await app({}, { delayMs: 300 });
    const running = await serve(t);
    const agent = new Agent({ keepAlive: true });
    const post = () =>
      exchange(running.port, {
        agent,
        headers: { 'content-type': 'application/json' },
        body: hello,
      });
    const before = await post();

    const inFlight = post();
    await waitFor(() => Promise.resolve(t.fake.executeCalls().length === 2));
    const closed = running.shutdown();
    const during = await inFlight;
    await closed;
    agent.destroy();

    expect(before.headers.connection).toBe('keep-alive');
    expect(during.status).toBe(200);
    expect(during.headers.connection).toBe('close');
  });
});
