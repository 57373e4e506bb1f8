import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { executionFixtures, loadFixture } from './fixtures.js';

/** How the fake answers a route instead of behaving like Piston. */
export type FakeBehaviour =
  | { kind: 'status'; status: number; body: unknown }
  | { kind: 'garbage' }
  | { kind: 'hang' }
  | { kind: 'reset' };

interface RuntimeEntry {
  language: string;
  version: string;
  aliases: string[];
  runtime?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export interface FakePistonOptions {
  /** Fixed delay before every answer, in ms (benchmarks). */
  delayMs?: number;
  /** Piston's configured run_timeout limit; larger requests get Piston's 400. */
  runTimeoutLimit?: number;
}

/** A real HTTP server on 127.0.0.1:0 that replays recorded Piston answers and can misbehave. */
export interface FakePiston {
  url: string;
  requests: RecordedRequest[];
  runtimes: RuntimeEntry[];
  /** Set (or clear, with undefined) a misbehaviour for GET /runtimes or POST /execute. */
  behave(route: 'runtimes' | 'execute', behaviour: FakeBehaviour | undefined): void;
  executeCalls(): RecordedRequest[];
  runtimeCalls(): RecordedRequest[];
  close(): Promise<void>;
}

/** Starts the fake Piston. Its runtimes and answers come from backend/test/fixtures/. */
export async function startFakePiston(options: FakePistonOptions = {}): Promise<FakePiston> {
  const runtimes = structuredClone(loadFixture('runtimes').response.body) as RuntimeEntry[];
  const answers = new Map<string, string>();
  for (const fixture of executionFixtures()) {
    const body = fixture.request.body as { files: { content: string }[] };
    const key = body.files[0]?.content;
    if (key !== undefined && !answers.has(key))
      answers.set(key, JSON.stringify(fixture.response.body));
  }
  const behaviours = new Map<string, FakeBehaviour>();
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = text;
      }
      const path = req.url ?? '/';
      requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body });
      const answer = () => route(req.method ?? 'GET', path, body, res);
      if (options.delayMs) setTimeout(answer, options.delayMs);
      else answer();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  function route(method: string, path: string, body: unknown, res: ServerResponse): void {
    const name =
      method === 'GET' && path === '/api/v2/runtimes'
        ? 'runtimes'
        : method === 'POST' && path === '/api/v2/execute'
          ? 'execute'
          : undefined;
    if (!name) return sendJson(res, 404, { message: 'Not Found' });
    const behaviour = behaviours.get(name);
    if (behaviour) return misbehave(behaviour, res);
    if (name === 'runtimes') return sendJson(res, 200, runtimes);
    execute(body as ExecuteBody, res);
  }

  function execute(body: ExecuteBody, res: ServerResponse): void {
    const runtime = runtimes.find(
      (rt) =>
        (rt.language === body.language || rt.aliases.includes(body.language)) &&
        rt.version === body.version,
    );
    if (!runtime) {
      return sendJson(res, 400, { message: `${body.language}-${body.version} runtime is unknown` });
    }
    const limit = options.runTimeoutLimit;
    if (limit !== undefined && body.run_timeout > limit) {
      return sendJson(res, 400, {
        message: `run_timeout cannot exceed the configured limit of ${limit}`,
      });
    }
    const recorded = answers.get(body.files[0]?.content ?? '');
    if (recorded) return sendRaw(res, 200, recorded);
    sendJson(res, 200, {
      run: {
        signal: null,
        stdout: 'ok\n',
        stderr: '',
        code: 0,
        output: 'ok\n',
        memory: 1000,
        message: null,
        status: null,
        cpu_time: 1,
        wall_time: 2,
      },
      language: runtime.language,
      version: runtime.version,
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    runtimes,
    behave(route, behaviour) {
      if (behaviour) behaviours.set(route, behaviour);
      else behaviours.delete(route);
    },
    executeCalls: () => requests.filter((r) => r.path === '/api/v2/execute'),
    runtimeCalls: () => requests.filter((r) => r.path === '/api/v2/runtimes'),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

interface ExecuteBody {
  language: string;
  version: string;
  files: { content: string }[];
  run_timeout: number;
}

function misbehave(behaviour: FakeBehaviour, res: ServerResponse): void {
  switch (behaviour.kind) {
    case 'status':
      return sendJson(res, behaviour.status, behaviour.body);
    case 'garbage':
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>not piston</html>');
      return;
    case 'hang':
      return;
    case 'reset':
      res.socket?.destroy();
      return;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendRaw(res, status, JSON.stringify(body));
}

function sendRaw(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
