import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import semver from 'semver';
import { misbehave, sendJson, sendRaw, type FakeBehaviour } from './fake-piston-responses.js';
import {
  attachFakePistonSocket,
  type FakePistonSocket,
  type PistonAnswer,
} from './fake-piston-socket.js';
import { executionFixtures, loadFixture } from './fixtures.js';
import { listenOnStablePort } from './stable-port.js';

interface RuntimeEntry {
  language: string;
  version: string;
  aliases: string[];
  runtime?: string;
}

interface PackageEntry {
  language: string;
  language_version: string;
  installed: boolean;
}

/** The routes whose behaviour a test can override. */
export type FakeRoute = 'version' | 'runtimes' | 'execute' | 'packages' | 'install';

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
  /** Port to listen on (default: a free one that stays closed after close(); see stable-port). */
  port?: number;
  /**
   * Like Piston's max_concurrent_jobs: at most this many executions wait out `delayMs` at once;
   * the rest queue without bound, inside their open connections, as in the real Piston.
   */
  maxConcurrentJobs?: number;
  /** What programs with no recorded answer print (default `ok\n`), by their source. */
  stdoutByProgram?: Record<string, string>;
  /**
   * Runs programs with no recorded answer, from what Piston received (a program whose output
   * depends on its stdin or args); undefined falls back to `stdoutByProgram`.
   */
  runProgram?: (input: ProgramInput) => ProgramOutput | undefined;
  /** Piston's body-parser limit (its default, 100 KB, unless given). */
  maxBodyBytes?: number;
  /** The version `GET /` reports (default: Piston v3.1.1's recorded answer). */
  version?: string;
}

/** A real HTTP server on 127.0.0.1:0 that replays recorded Piston answers and can misbehave. */
export interface FakePiston {
  url: string;
  requests: RecordedRequest[];
  runtimes: RuntimeEntry[];
  /** Piston's package index (`GET /api/v2/packages`); installing flips `installed`. */
  packages: PackageEntry[];
  /** Set (or clear, with undefined) a misbehaviour for one route. */
  behave(route: FakeRoute, behaviour: FakeBehaviour | undefined): void;
  executeCalls(): RecordedRequest[];
  /** The body of the last execute call (throws when there was none). */
  lastExecuteBody(): Record<string, unknown>;
  /** Executions running now (a job whose caller hung up runs to its end, as in Piston). */
  jobsRunning(): number;
  /** The most executions that ran at once. */
  peakJobs(): number;
  /** How many TCP connections the fake has accepted so far. */
  connectionsAccepted(): number;
  /** Leaves execute calls unanswered (recorded all the same) until `release()` answers them. */
  hold(): void;
  release(): void;
  /** Closes every open connection (a client's pooled ones too); the fake keeps listening. */
  dropConnections(): void;
  runtimeCalls(): RecordedRequest[];
  /** Piston's live endpoint, `/api/v2/connect` (fake-piston-socket.ts). */
  live: FakePistonSocket;
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
  const packages = structuredClone(loadFixture('packages').response.body) as PackageEntry[];
  // Piston answers its root with its package.json version (api/src/index.js).
  const version =
    options.version === undefined
      ? loadFixture('piston-version').response.body
      : { message: `Piston v${options.version}` };
  const behaviours = new Map<FakeRoute, FakeBehaviour>();
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let accepted = 0;
  let held: (() => void)[] | undefined;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      // Piston 3.1.1 reads bodies with body-parser's default limit, and its error middleware
      // turns the PayloadTooLargeError into a 400 with the stack.
      if (raw.length > (options.maxBodyBytes ?? 100 * 1024)) {
        sendJson(res, 400, { stack: 'PayloadTooLargeError: request entity too large' });
        return;
      }
      const text = raw.toString('utf8');
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = text;
      }
      const path = req.url ?? '/';
      requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body });
      const answer = () => route(req.method ?? 'GET', path, body, res);
      const execute = () => (options.maxConcurrentJobs ? runAsJob(answer) : runJob(answer));
      if (path !== '/api/v2/execute') {
        if (options.delayMs) setTimeout(answer, options.delayMs);
        else answer();
      } else if (held) held.push(execute);
      else execute();
    });
  });
  const live = attachFakePistonSocket(server, runtimes, (input) => {
    const recorded = answers.get(input.program);
    return recorded ? (JSON.parse(recorded) as PistonAnswer) : { run: runProgram(input) };
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    accepted += 1;
    socket.on('close', () => sockets.delete(socket));
  });

  // Like Piston, a job runs to its end whether or not the caller is still connected.
  let jobsRunning = 0;
  let peakJobs = 0;
  function runJob(answer: () => void, done?: () => void): void {
    jobsRunning += 1;
    peakJobs = Math.max(peakJobs, jobsRunning);
    const finish = () => {
      jobsRunning -= 1;
      answer();
      done?.();
    };
    if (options.delayMs) setTimeout(finish, options.delayMs);
    else finish();
  }

  let runningJobs = 0;
  const waitingJobs: (() => void)[] = [];
  function runAsJob(answer: () => void): void {
    const start = () => {
      runningJobs += 1;
      runJob(answer, () => {
        runningJobs -= 1;
        waitingJobs.shift()?.();
      });
    };
    if (runningJobs < (options.maxConcurrentJobs ?? Infinity)) start();
    else waitingJobs.push(start);
  }

  function route(method: string, path: string, body: unknown, res: ServerResponse): void {
    const name = ROUTES[`${method} ${path}`];
    if (!name) return sendJson(res, 404, { message: 'Not Found' });
    const behaviour = behaviours.get(name);
    if (behaviour) {
      if (behaviour.once) behaviours.delete(name);
      return misbehave(behaviour, res);
    }
    switch (name) {
      case 'version':
        return sendJson(res, 200, version);
      case 'runtimes':
        return sendJson(res, 200, runtimes);
      case 'packages':
        return sendJson(res, 200, packages);
      case 'install':
        return install(body as { language: string; version: string }, res);
      case 'execute':
        return execute(body as ExecuteBody, res);
    }
  }

  // Like Piston 3: the newest package matching the name and version selector; 404 if none.
  function install(body: { language: string; version: string }, res: ServerResponse): void {
    const match = packages
      .filter(
        (p) =>
          p.language === body.language &&
          (p.language_version === body.version ||
            semver.satisfies(semver.coerce(p.language_version) ?? '0.0.0', body.version)),
      )
      .sort((a, b) =>
        semver.compare(
          semver.coerce(b.language_version) ?? '0.0.0',
          semver.coerce(a.language_version) ?? '0.0.0',
        ),
      )[0];
    if (!match) {
      return sendJson(res, 404, {
        message: `Requested package ${body.language}-${body.version} does not exist`,
      });
    }
    if (match.installed) return sendJson(res, 500, { message: 'Already installed' });
    match.installed = true;
    sendJson(res, 200, { language: match.language, version: match.language_version });
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
    const program = body.files[0]?.content ?? '';
    const run = runProgram({ program, stdin: body.stdin, args: body.args });
    sendJson(res, 200, {
      run: {
        ...run,
        output: run.stdout + run.stderr,
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

  /** What a program without a recorded answer prints (over HTTP and over the socket alike). */
  function runProgram(input: ProgramInput) {
    const ran = options.runProgram?.(input);
    const stdout = ran?.stdout ?? options.stdoutByProgram?.[input.program] ?? 'ok\n';
    return { stdout, stderr: ran?.stderr ?? '', code: ran?.code ?? 0, signal: null };
  }

  // Tests close the fake to take Piston down; its port must then refuse connections.
  const port =
    options.port === undefined
      ? await listenOnStablePort(server)
      : await new Promise<number>((resolve) => {
          server.listen(options.port, '127.0.0.1', () => {
            resolve((server.address() as AddressInfo).port);
          });
        });

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    runtimes,
    packages,
    behave(route, behaviour) {
      if (behaviour) behaviours.set(route, behaviour);
      else behaviours.delete(route);
    },
    executeCalls: () => requests.filter((r) => r.path === '/api/v2/execute'),
    lastExecuteBody() {
      const last = requests.findLast((r) => r.path === '/api/v2/execute');
      if (!last) throw new Error('the fake Piston received no execute call');
      return last.body as Record<string, unknown>;
    },
    jobsRunning: () => jobsRunning,
    peakJobs: () => peakJobs,
    connectionsAccepted: () => accepted,
    hold() {
      held ??= [];
    },
    release() {
      const waiting = held ?? [];
      held = undefined;
      for (const execute of waiting) execute();
    },
    dropConnections() {
      for (const socket of sockets) socket.destroy();
    },
    runtimeCalls: () => requests.filter((r) => r.path === '/api/v2/runtimes'),
    live,
    close: () =>
      new Promise<void>((resolve) => {
        live.close();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const ROUTES: Record<string, FakeRoute | undefined> = {
  'GET /': 'version',
  'GET /api/v2/runtimes': 'runtimes',
  'POST /api/v2/execute': 'execute',
  'GET /api/v2/packages': 'packages',
  'POST /api/v2/packages': 'install',
};

interface ExecuteBody {
  language: string;
  version: string;
  files: { content: string }[];
  stdin: string;
  args: string[];
  run_timeout: number;
}

/** What a program run by `runProgram` was given. */
export interface ProgramInput {
  program: string;
  stdin: string;
  args: string[];
}

/** What a program run by `runProgram` printed, and its exit code (default 0). */
export interface ProgramOutput {
  stdout: string;
  stderr?: string;
  code?: number;
}
