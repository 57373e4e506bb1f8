import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { FIXTURES_DIR } from './fixtures.js';

/** One recorded `/api/v2/connect` session (backend/test/fixtures/ws/README.md). */
export interface WsTranscript {
  scenario: string;
  transcript: { at_ms: number; dir: 'client' | 'server'; message: unknown }[];
  close: { code: number; reason: string };
}

/**
 * How the stand-in behaves for the next sessions, instead of replaying a transcript:
 * - `flood`: an endless printer (`chunkBytes` of stdout per frame, as fast as the socket takes
 *   them) until the run timeout of the init, then exit SIGKILL and close 4999, as Piston does;
 * - `hang`: runtime and the run stage, then nothing, and never a close;
 * - `silent`: no answer to init at all (not even `runtime`);
 * - `drop`: runtime and the run stage, then the TCP connection is destroyed (no close frame);
 * - `never-close`: the transcript, but no close at its end;
 * - `script`: the given frames (`message` as JSON, a string as it is), each `delayMs` after the
 *   one before, then a close 4999 unless `close` is false;
 * - `hang` with `stopReading`: the stand-in also stops reading its socket (a Piston behind).
 */
export type FakeSocketMode =
  | { mode: 'flood'; chunkBytes?: number }
  | { mode: 'hang'; stopReadingMs?: number }
  | { mode: 'script'; frames: ScriptedFrame[]; close?: boolean }
  | { mode: 'silent' }
  | { mode: 'drop' }
  | { mode: 'never-close' };

/** One frame of a `script`: sent `delayMs` after the previous one. */
export interface ScriptedFrame {
  delayMs?: number;
  /** A frame as JSON, or a string sent as it is (not JSON, or larger than any frame should be). */
  message: unknown;
}

/** What the stand-in saw of one session. */
export interface FakeSocketSession {
  headers: IncomingMessage['headers'];
  /** Frames the client sent, parsed (a frame that is not JSON as its raw text). */
  received: unknown[];
  /** The close code, once the socket is closed (1006 when it dropped). */
  closeCode?: number;
  /** Who closed it first. */
  closedBy?: 'client' | 'server';
  /** True while the job runs: as in Piston, it runs on after the client hangs up. */
  jobRunning: boolean;
}

/** The stand-in for Piston's `/api/v2/connect` on the fake Piston's HTTP server. */
export interface FakePistonSocket {
  sessions: FakeSocketSession[];
  /** Set (or clear) a behaviour for the sessions that start from now on. */
  behave(mode: FakeSocketMode | undefined): void;
  /** Jobs running now (sockets closed by the client included). */
  jobsRunning(): number;
  /** The most jobs that ran at once. */
  peakJobs(): number;
  close(): void;
}

const INIT_TIMEOUT_MS = 1000;

/**
 * Programs that choose the stand-in's behaviour themselves (for the bench, whose stand-in runs in
 * another process): `#live:flood` prints endlessly; `#live:clock` prints, 20 ms after the run
 * starts, the time it printed (`performance.timeOrigin + performance.now()`, in ms).
 */
export const LIVE_PROGRAMS = { flood: '#live:flood', clock: '#live:clock' } as const;

/** Loads the copied WebSocket transcripts (`*.json` in fixtures/ws, summaries left out). */
export function loadWsTranscripts(): WsTranscript[] {
  const dir = `${FIXTURES_DIR}ws/`;
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json') && !file.endsWith('.summary.json'))
    .map((file) => JSON.parse(readFileSync(`${dir}${file}`, 'utf8')) as WsTranscript);
}

/** The first file's content of a transcript's (or a client's) init frame. */
function programOf(init: unknown): string | undefined {
  const files = (init as { files?: { content?: unknown }[] } | undefined)?.files;
  const content = files?.[0]?.content;
  return typeof content === 'string' ? content : undefined;
}

/**
 * Serves `/api/v2/connect` on `server` like Piston 3.1.1: replays the transcript whose program
 * matches the init (their timing included, waiting for the client's stdin frames where the
 * recording has them), ignores signals, runs a job on after its socket closes, and can be told
 * to flood, hang, stay silent, drop the connection or never close.
 */
export function attachFakePistonSocket(
  server: Server,
  runtimes: { language: string; version: string; aliases: string[] }[],
  answer?: ProgramAnswerHook,
): FakePistonSocket {
  const transcripts = new Map<string, WsTranscript>();
  for (const t of loadWsTranscripts()) {
    const init = t.transcript.find((step) => step.dir === 'client')?.message;
    const program = programOf(init);
    if (program !== undefined && !transcripts.has(program)) transcripts.set(program, t);
  }
  const wss = new WebSocketServer({ noServer: true });
  const sessions: FakeSocketSession[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let mode: FakeSocketMode | undefined;
  let peak = 0;
  const running = () => sessions.filter((s) => s.jobRunning).length;

  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (req.url !== '/api/v2/connect') {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws, req));
  });

  function serve(ws: WebSocket, req: IncomingMessage): void {
    const session: FakeSocketSession = { headers: req.headers, received: [], jobRunning: false };
    sessions.push(session);
    const behaviour = mode;
    let init: Record<string, unknown> | undefined;
    let stdinChars = 0;
    let onStdin: (() => void) | undefined;
    const send = (message: unknown) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    const closeWith = (code: number, reason: string) => {
      if (ws.readyState !== ws.OPEN) return;
      session.closedBy ??= 'server';
      ws.close(code, reason);
    };
    const endJob = () => {
      session.jobRunning = false;
    };
    ws.on('close', (code) => {
      session.closeCode = code;
      session.closedBy ??= 'client';
    });
    later(INIT_TIMEOUT_MS, () => {
      if (!init) closeWith(4001, 'Initialization Timeout');
    });
    ws.on('message', (data: RawData) => {
      // ws hands text frames over as one Buffer (binaryType "nodebuffer", its default).
      const text = (data as Buffer).toString('utf8');
      let message: { type?: unknown; stream?: unknown } & Record<string, unknown>;
      try {
        message = JSON.parse(text) as typeof message;
        session.received.push(message);
      } catch (error) {
        session.received.push(text);
        send({ type: 'error', message: (error as Error).message });
        closeWith(4002, 'Notified Error');
        return;
      }
      if (message.type === 'init') {
        if (init) return closeWith(4000, 'Already Initialized');
        init = message;
        return start(message);
      }
      if (!init) return closeWith(4003, 'Not yet initialized');
      if (message.type === 'data') {
        if (message.stream !== 'stdin') return closeWith(4004, 'Can only write to stdin');
        stdinChars += typeof message.data === 'string' ? message.data.length : 0;
        onStdin?.();
      }
      // Signals are accepted and ignored, as Piston 3.1.1 ignores them (its defect 1).
    });

    function start(message: Record<string, unknown>): void {
      const language = String(message.language);
      const version = String(message.version);
      const runtime = runtimes.find(
        (rt) =>
          (rt.language === language || rt.aliases.includes(language)) && rt.version === version,
      );
      if (!runtime) {
        send({ type: 'error', message: `${language}-${version} runtime is unknown` });
        return closeWith(4002, 'Notified Error');
      }
      if (behaviour?.mode === 'silent') return;
      if (behaviour?.mode === 'script') {
        session.jobRunning = true;
        return script(behaviour.frames, behaviour.close ?? true);
      }
      session.jobRunning = true;
      peak = Math.max(peak, running());
      const head = [
        { type: 'runtime', language: runtime.language, version: runtime.version },
        { type: 'stage', stage: 'run' },
      ];
      const runTimeout = typeof message.run_timeout === 'number' ? message.run_timeout : 3000;
      const program = programOf(message);
      if (program === LIVE_PROGRAMS.clock) {
        head.forEach(send);
        return later(20, () => {
          send({
            type: 'data',
            stream: 'stdout',
            data: `${performance.timeOrigin + performance.now()}\n`,
          });
          send({ type: 'exit', stage: 'run', code: 0, signal: null });
          endJob();
          closeWith(4999, 'Job Completed');
        });
      }
      const chosen: FakeSocketMode | undefined =
        program === LIVE_PROGRAMS.flood ? { mode: 'flood' } : behaviour;
      switch (chosen?.mode) {
        case 'hang':
          head.forEach(send);
          if (chosen.stopReadingMs !== undefined) pauseReading(chosen.stopReadingMs);
          return;
        case 'drop':
          head.forEach(send);
          return later(20, () => {
            endJob();
            ws.terminate();
          });
        case 'flood':
          head.forEach(send);
          return flood(chosen.chunkBytes ?? 16 * 1024, Date.now() + runTimeout);
        case 'never-close':
        case undefined:
          return replay(transcripts.get(program ?? '') ?? answered(message, runtime));
      }
    }

    /** A program without a recording: what the HTTP fake would answer, streamed as Piston does. */
    function answered(init: Record<string, unknown>, runtime: RuntimeName): WsTranscript {
      const stdin = typeof init.stdin === 'string' ? init.stdin : '';
      const args = Array.isArray(init.args) ? init.args.map(String) : [];
      const ran = answer?.({ program: programOf(init) ?? '', stdin, args });
      return ran ? transcriptOf(ran, runtime) : defaultTranscript(runtime);
    }

    function script(frames: ScriptedFrame[], close: boolean): void {
      const [frame, ...rest] = frames;
      if (!frame) {
        endJob();
        if (close) closeWith(4999, 'Job Completed');
        return;
      }
      later(frame.delayMs ?? 0, () => {
        if (ws.readyState !== ws.OPEN) return;
        const { message } = frame;
        ws.send(typeof message === 'string' ? message : JSON.stringify(message));
        script(rest, close);
      });
    }

    /** Stops reading the socket for a while, as a Piston whose event loop is behind. */
    function pauseReading(ms: number): void {
      const raw = (ws as unknown as { _socket: Socket })._socket;
      raw.pause();
      later(ms, () => raw.resume());
    }

    function flood(chunkBytes: number, until: number): void {
      const chunk = 'x'.repeat(chunkBytes - 1) + '\n';
      const pump = () => {
        // The program prints on to its timeout whether or not anyone listens (defect 3).
        if (ws.readyState !== ws.OPEN) {
          later(Math.max(0, until - Date.now()), endJob);
          return;
        }
        if (Date.now() >= until) {
          send({ type: 'exit', stage: 'run', code: null, signal: 'SIGKILL' });
          endJob();
          closeWith(4999, 'Job Completed');
          return;
        }
        // Like a program writing to a pipe: it blocks while the reader is behind.
        if (ws.bufferedAmount >= 1024 * 1024) {
          later(5, pump);
          return;
        }
        send({ type: 'data', stream: 'stdout', data: chunk });
        setImmediate(pump);
      };
      pump();
    }

    function replay(t: WsTranscript): void {
      const steps = t.transcript;
      const initAt = steps.find((step) => step.dir === 'client')?.at_ms ?? 0;
      let index = steps.findIndex((step) => step.dir === 'client') + 1;
      let clock = initAt;
      let needed = 0;
      const next = () => {
        const step = steps[index];
        if (!step) {
          endJob();
          if (behaviour?.mode !== 'never-close') closeWith(t.close.code, t.close.reason);
          return;
        }
        index += 1;
        if (step.dir === 'client' && (step.message as { type?: unknown }).type !== 'data') {
          next();
          return; // a signal: Piston 3.1.1 ignores it
        }
        if (step.dir === 'client') {
          // The recording waited for the client's stdin here: so does the replay (for as many
          // characters, however the client framed them, as a program reading a pipe would).
          const data = (step.message as { data?: unknown }).data;
          needed += typeof data === 'string' ? data.length : 0;
          clock = step.at_ms;
          if (stdinChars >= needed) {
            next();
            return;
          }
          onStdin = () => {
            if (stdinChars < needed) return;
            onStdin = undefined;
            next();
          };
          return;
        }
        const wait = Math.max(0, step.at_ms - clock);
        clock = step.at_ms;
        later(wait, () => {
          send(step.message);
          next();
        });
      };
      next();
    }
  }

  return {
    sessions,
    behave(next) {
      mode = next;
    },
    jobsRunning: running,
    peakJobs: () => peak,
    close() {
      for (const timer of timers) clearTimeout(timer);
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}

type RuntimeName = { language: string; version: string };

/** One stage of Piston's `POST /api/v2/execute` answer, as far as the replay needs it. */
interface StageAnswer {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: string | null;
}

/** Piston's HTTP answer to a program: its compile stage (if any) and its run stage. */
export interface PistonAnswer {
  compile?: StageAnswer | null;
  run?: StageAnswer | null;
}

/**
 * What the fake Piston answers a program over HTTP (fake-piston-server.ts): the socket streams
 * the same outcome, so a program prints alike over both; undefined for the default (`ok`).
 */
export type ProgramAnswerHook = (input: {
  program: string;
  stdin: string;
  args: string[];
}) => PistonAnswer | undefined;

/**
 * An HTTP answer as Piston 3.1.1 streams it (fixtures/ws/c-compile-error.json): each stage's
 * `stage`, its stdout and stderr `data`, its `exit`; a compile that fails ends the job there.
 */
export function transcriptOf(answer: PistonAnswer, runtime: RuntimeName): WsTranscript {
  const steps: WsTranscript['transcript'] = [
    { at_ms: 0, dir: 'client', message: { type: 'init' } },
    { at_ms: 1, dir: 'server', message: { type: 'runtime', ...runtime } },
  ];
  const server = (message: unknown) => steps.push({ at_ms: steps.length, dir: 'server', message });
  const stage = (name: 'compile' | 'run', result: StageAnswer) => {
    server({ type: 'stage', stage: name });
    if (result.stdout) server({ type: 'data', stream: 'stdout', data: result.stdout });
    if (result.stderr) server({ type: 'data', stream: 'stderr', data: result.stderr });
    server({ type: 'exit', stage: name, code: result.code, signal: result.signal });
  };
  if (answer.compile) stage('compile', answer.compile);
  if (answer.run && (!answer.compile || answer.compile.code === 0)) stage('run', answer.run);
  return {
    scenario: 'answered',
    transcript: steps,
    close: { code: 4999, reason: 'Job Completed' },
  };
}

/** What a program without a recording does: prints `ok` and exits 0. */
function defaultTranscript(runtime: RuntimeName): WsTranscript {
  return {
    scenario: 'default',
    transcript: [
      { at_ms: 0, dir: 'client', message: { type: 'init' } },
      { at_ms: 1, dir: 'server', message: { type: 'runtime', ...runtime } },
      { at_ms: 1, dir: 'server', message: { type: 'stage', stage: 'run' } },
      { at_ms: 2, dir: 'server', message: { type: 'data', stream: 'stdout', data: 'ok\n' } },
      { at_ms: 3, dir: 'server', message: { type: 'exit', stage: 'run', code: 0, signal: null } },
    ],
    close: { code: 4999, reason: 'Job Completed' },
  };
}
