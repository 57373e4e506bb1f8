import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * What the fake live routes were sent, and switches for the test. They speak the contract of
 * issue #15 (SSE events and WebSocket frames) with a scripted program:
 * - SSE: prints `first line`, waits for `release()`, prints `second line`, ends ok;
 * - WebSocket: prints a prompt, answers the first stdin frame with a greeting and ends ok; a
 *   `kill` frame ends the run as `killed`.
 */
export interface FakeLive {
  url: string;
  /** Frames the WebSocket route received. */
  frames: Record<string, unknown>[];
  /** Bodies the SSE route received. */
  streamBodies: Record<string, unknown>[];
  /** SSE clients that went away before their run ended. */
  streamAbandoned: number;
  /** false: the upgrade answers 404, as a gateway without the WebSocket route does. */
  websocket: boolean;
  release: () => void;
  close: () => Promise<void>;
}

function result(status: 'ok' | 'killed', stdout: string) {
  const killed = status === 'killed';
  return {
    success: !killed,
    output: stdout,
    stderr: '',
    exitCode: killed ? null : 0,
    signal: killed ? 'SIGKILL' : null,
    status,
    language: 'python',
    version: '3.11.2',
    run: {
      stdout,
      stderr: '',
      exitCode: killed ? null : 0,
      signal: killed ? 'SIGKILL' : null,
      cpuTimeMs: 4,
      wallTimeMs: 12,
      memoryBytes: 8_000_000,
    },
    truncated: false,
  };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

function send(ws: WebSocket, frame: Record<string, unknown>): void {
  ws.send(JSON.stringify(frame));
}

/** A server in front of the gateway's app that answers the two live routes itself. */
export async function serveWithFakeLiveRoutes(app: Express): Promise<FakeLive> {
  let releases: (() => void)[] = [];
  const fake: FakeLive = {
    url: '',
    frames: [],
    streamBodies: [],
    streamAbandoned: 0,
    websocket: true,
    release: () => {
      releases.splice(0).forEach((release) => release());
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const stream = async (req: IncomingMessage, res: ServerResponse) => {
    fake.streamBodies.push(await readJson(req));
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    const event = (name: string, data: unknown) =>
      res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
    event('runtime', { language: 'python', version: '3.11.2' });
    event('stage', { stage: 'run' });
    event('stdout', { data: 'first line\n' });
    let ended = false;
    res.on('close', () => {
      if (!ended) fake.streamAbandoned += 1;
    });
    await new Promise<void>((resolve) => releases.push(resolve));
    event('stdout', { data: 'second line\n' });
    event('exit', { stage: 'run', exitCode: 0, signal: null });
    event('result', result('ok', 'first line\nsecond line\n'));
    ended = true;
    res.end();
  };

  const sockets = new WebSocketServer({ noServer: true });
  sockets.on('connection', (ws) => {
    ws.on('message', (raw: Buffer) => {
      const frame = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      fake.frames.push(frame);
      if (frame.type === 'init') {
        send(ws, { type: 'runtime', language: 'python', version: '3.11.2' });
        send(ws, { type: 'stage', stage: 'run' });
        send(ws, { type: 'stdout', data: 'What is your name? ' });
      } else if (frame.type === 'stdin') {
        const greeting = `Hello, ${String(frame.data).trim()}!\n`;
        send(ws, { type: 'stdout', data: greeting });
        send(ws, { type: 'exit', stage: 'run', exitCode: 0, signal: null });
        send(ws, { type: 'result', result: result('ok', `What is your name? ${greeting}`) });
        ws.close(1000);
      } else if (frame.type === 'kill') {
        send(ws, { type: 'exit', stage: 'run', exitCode: null, signal: 'SIGKILL' });
        send(ws, { type: 'result', result: result('killed', 'What is your name? ') });
        ws.close(1000);
      }
    });
  });

  const server: Server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/api/execute/stream') void stream(req, res);
    else app(req, res);
  });
  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    if (req.url !== '/api/execute/ws' || !fake.websocket) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => sockets.emit('connection', ws, req));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = fake.close;
  fake.close = async () => {
    fake.release();
    for (const client of sockets.clients) client.terminate();
    server.closeAllConnections();
    await close();
  };
  releases = [];
  return fake;
}
