import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { useTestServers } from '../support/build-test-app.js';
import { openRawConnection } from '../support/raw-connection.js';
import { sample, scrapeMetrics } from '../support/scrape-metrics.js';
import { waitFor } from '../support/wait-for.js';

const { app, serve } = useTestServers();

const CODE = 'print("code-marker-1")';
const OUTPUT = 'output-marker-2\n';
const STDIN = 'stdin-marker-3';
const WS_SERIES = 'gateway_http_requests_total{method="GET",route="/api/execute/ws"';

interface LogLine {
  msg: string;
  level: number;
  req?: { id: string; method: string; url: string };
  res?: { statusCode: number; closeCode?: number; code?: string };
  responseTime?: number;
}

const accessLines = (logs: string[]) =>
  logs
    .map((line) => JSON.parse(line) as LogLine)
    .filter((line) => line.req?.url.startsWith('/api/execute/ws'));

/** Waits for the socket's access line. */
const logged = (logs: string[]) => waitFor(() => Promise.resolve(accessLines(logs).length > 0));

/** Opens a live socket, runs CODE with stdin in the body and in a frame, and waits for its close. */
async function runOnSocket(port: number, close?: (ws: WebSocket) => void) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/execute/ws`, {
    headers: { 'X-Request-Id': 'ws-log-1' },
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ type: 'init', language: 'python', code: CODE, stdin: STDIN }));
  ws.send(JSON.stringify({ type: 'stdin', data: `${STDIN}\n` }));
  close?.(ws);
  return closed;
}

describe('GET /api/execute/ws in the access log and the HTTP metrics', () => {
  it('when a live socket closes after its run, then one access line says 101, its duration and close code, and nothing it carried', async () => {
    const t = await app({}, { stdoutByProgram: { [CODE]: OUTPUT } });
    const { port } = await serve(t);

    const code = await runOnSocket(port);
    await logged(t.logs);

    expect(code).toBe(1000);
    const lines = accessLines(t.logs);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'websocket closed',
      req: { id: 'ws-log-1', method: 'GET', url: '/api/execute/ws' },
      res: { statusCode: 101, closeCode: 1000 },
    });
    expect(lines[0]?.responseTime).toBeGreaterThan(0);
    const all = t.logs.join('\n');
    for (const marker of ['code-marker-1', 'output-marker-2', STDIN]) {
      expect(all).not.toContain(marker);
    }
  });

  it('when a live socket closes, then the HTTP metrics count it once under its route with status 101', async () => {
    const t = await app();
    const { port } = await serve(t);

    await runOnSocket(port);
    await logged(t.logs);

    const metrics = await scrapeMetrics(t.app);
    expect(sample(metrics, `${WS_SERIES},status="101"}`)).toBe(1);
    expect(
      sample(
        metrics,
        'gateway_http_request_duration_seconds_count{method="GET",route="/api/execute/ws",status="101"}',
      ),
    ).toBe(1);
  });

  it('when the client closes the socket itself, then the line has its close code', async () => {
    const t = await app();
    t.fake.live.behave({ mode: 'hang' });
    const { port } = await serve(t);

    await runOnSocket(port, (ws) => ws.close(4001, 'bye'));
    await logged(t.logs);

    expect(accessLines(t.logs)[0]?.res).toEqual({ statusCode: 101, closeCode: 4001 });
  });

  it('when ws refuses the handshake, then it is the JSON 400 of every refusal, logged and counted', async () => {
    const t = await app();
    const { port } = await serve(t);
    const raw = await openRawConnection(port);

    const answer = await raw.send(
      'GET /api/execute/ws HTTP/1.1\r\nHost: test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: not-a-key\r\n\r\n',
    );
    await logged(t.logs);

    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({
      code: 'invalid_request',
      error: 'Not a WebSocket handshake: Missing or invalid Sec-WebSocket-Key header',
    });
    expect(accessLines(t.logs)[0]?.res).toMatchObject({ statusCode: 400, code: 'invalid_request' });
    expect(sample(await scrapeMetrics(t.app), `${WS_SERIES},status="400"}`)).toBe(1);
    await raw.closed;
  });
});
