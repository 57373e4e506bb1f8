import type { Logger } from 'pino';
import { pistonHeaders, type Config } from '../config.js';
import type { AppError } from '../errors.js';
import {
  BadRequestError,
  InternalServerError,
  UpstreamError,
  UpstreamTimeoutError,
} from '../errors.js';
import type { ExecutionLimiter } from '../execution/execution-limiter.js';
import type { PreparedExecution } from '../execution/execution-service.js';
import type { Metrics } from '../metrics/metrics.js';
import type { RuntimeCache } from '../runtimes/runtime-cache.js';
import type { LiveEvent, LiveSink } from './live-events.js';
import { createStdinPipe } from './live-stdin.js';
import { KILLED, killedBeforeStart, utf8Prefix } from './live-run-parts.js';
import { createLiveTranscript, type Ending } from './live-transcript.js';
import { openPistonSocket, type PistonFrame, type PistonSocket } from './piston-socket.js';

/** A started live run, as its route sees it. */
export interface LiveRun {
  /** Sends stdin to the program; over MAX_STDIN_BYTES in total ends the run with an error event. */
  write(data: string): void;
  /** Ends the run for the client at once (status "killed"). */
  kill(): void;
  /** Settles when the client has had its last event (result or error). */
  readonly done: Promise<void>;
}

/** Options of one live run. */
export interface LiveRunOptions {
  /** Named in `error` events and log lines. */
  requestId: string;
  /** Aborts when the client goes away: a queued run leaves the queue, a started one is killed. */
  signal?: AbortSignal;
}

/** Starts live runs on Piston's WebSocket, with the protection Piston does not give. */
export interface LiveRunner {
  /**
   * Takes a slot (queue, 503 overloaded), opens Piston's socket and sends init; resolves once
   * Piston acknowledged it (its `runtime` frame, forwarded to the sink). Rejects with the
   * ordinary AppError (overloaded, upstream_unavailable, unsupported_language...) before anything
   * was sent to the sink, so routes can still answer with a plain JSON error.
   */
  start(prepared: PreparedExecution, sink: LiveSink, options: LiveRunOptions): Promise<LiveRun>;
}

/** The metrics a live run updates. */
export type LiveMetrics = Pick<Metrics, 'liveRuns' | 'liveOutputBytes' | 'liveOutcomes'>;

export interface LiveRunnerDeps {
  config: Pick<
    Config,
    | 'PISTON_URL'
    | 'PISTON_AUTH_HEADER'
    | 'PISTON_TIMEOUT_MS'
    | 'MAX_STREAM_OUTPUT_BYTES'
    | 'MAX_STDIN_BYTES'
  >;
  /** The execution limiter shared with `POST /api/execute` (createExecution returns it). */
  limiter: Pick<ExecutionLimiter, 'run'>;
  runtimes: Pick<RuntimeCache, 'invalidate'>;
  metrics: LiveMetrics;
  logger: Pick<Logger, 'info' | 'warn'>;
  /** Bytes a sink may hold unsent before the client counts as not keeping up (default 256 KiB). */
  maxBufferedBytes?: number;
  /** How long a sink may stay over `maxBufferedBytes` before its run is ended (default 2 s). */
  slowReaderMs?: number;
}

/** Bytes a client may leave unread for longer than DEFAULT_SLOW_READER_MS before its run is ended. */
export const DEFAULT_MAX_BUFFERED_BYTES = 256 * 1024;
/**
 * How long a client may leave more than the buffered bytes unread. One event larger than them is
 * not slowness (Node counts a write as buffered until the socket took it); still being behind
 * after this long is.
 */
export const DEFAULT_SLOW_READER_MS = 2000;
/**
 * Largest frame taken from Piston. Piston sends what one pipe read returned (at most 64 KiB, six
 * times that as JSON escapes at worst); anything larger is treated as output over the cap.
 */
export const PISTON_MAX_FRAME_BYTES = 1024 * 1024;

/** Creates the live runner; `app.ts` wires it, the SSE and WebSocket routes use it. */
export function createLiveRunner(deps: LiveRunnerDeps): LiveRunner {
  return {
    start(prepared, sink, options) {
      return new Promise<LiveRun>((resolve, reject) => {
        let answered = false;
        const answer = {
          accepted(run: LiveRun) {
            answered = true;
            resolve(run);
          },
          refused(error: unknown) {
            if (answered) return;
            answered = true;
            reject(error instanceof Error ? error : new Error(String(error)));
          },
        };
        // The slot is held until Piston closes the job's socket or the deadline passes.
        deps.limiter
          .run(
            () =>
              new Promise<void>((release) =>
                runJob(deps, prepared, sink, options, answer, release),
              ),
            options.signal,
          )
          .catch((error: unknown) => {
            // Killed (or gone) while waiting for a slot: the run ends as any killed run does.
            if (options.signal?.aborted && !answered) {
              answered = true;
              resolve(killedBeforeStart(prepared, sink));
            } else answer.refused(error);
          });
      });
    },
  };
}

interface Answer {
  accepted(run: LiveRun): void;
  refused(error: unknown): void;
}

/** One job on Piston, from init to the socket's close; `release` frees its slot. */
function runJob(
  deps: LiveRunnerDeps,
  prepared: PreparedExecution,
  sink: LiveSink,
  options: LiveRunOptions,
  answer: Answer,
  release: () => void,
): void {
  const { config, metrics, logger } = deps;
  const { request } = prepared;
  const maxBuffered = deps.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  const transcript = createLiveTranscript({
    compile: request.compile_timeout,
    run: request.run_timeout,
  });
  const began = Date.now();
  let runtime: { language: string; version: string } | undefined;
  let clientLive = false;
  // True once the client has its answer: a refusal, or its last event.
  let clientDone = false;
  let forwarded = 0;
  let stdinBytes = Buffer.byteLength(request.stdin, 'utf8');
  let slowReader: NodeJS.Timeout | undefined;
  let finishClient: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finishClient = resolve;
  });

  metrics.liveRuns.inc();
  // Piston may spend both budgets; past them plus the transport margin the gateway ends the job.
  // Only cleared once both the job and the client are done, so no request waits past it.
  const deadlineMs = request.compile_timeout + request.run_timeout + config.PISTON_TIMEOUT_MS;
  const deadline = setTimeout(() => {
    fail(new UpstreamTimeoutError('The execution engine did not finish the run in time'));
    if (!jobEnded) {
      endJob();
      socket.terminate();
    }
  }, deadlineMs);
  let jobEnded = false;
  let abandoned = false;

  /** Frees the slot: once Piston closed the socket, or at the deadline. */
  function endJob(): void {
    if (jobEnded) return;
    jobEnded = true;
    metrics.liveRuns.dec();
    release();
    if (clientDone) clearTimeout(deadline);
  }

  /**
   * Stops reading a job whose client has had its last event. Piston runs it on (its defects 1
   * and 3), flooding perhaps; reading past one more output cap of it would cost this process CPU
   * for nothing, so the socket is dropped then, and the slot held until the deadline instead.
   */
  function stopListening(): void {
    socket.ignoreFrames(config.MAX_STREAM_OUTPUT_BYTES, () => {
      abandoned = true;
      socket.terminate();
    });
  }

  /** Sends an event; one that cannot be serialized or written fails the run, never the process. */
  function send(event: LiveEvent): boolean {
    try {
      sink.send(event);
      return true;
    } catch (error) {
      logger.warn(
        { requestId: options.requestId, event: event.type, err: error },
        'live run: an event could not be sent',
      );
      return false;
    }
  }

  /** Ends the run for the client with its result; the job's slot stays until Piston closes. */
  function conclude(ending?: Ending): void {
    if (!clientLive || !runtime) return;
    clientLive = false;
    stopListening();
    // Ignored by Piston 3.1.1 (its defect 1), honoured by a Piston that fixes it.
    if (ending) socket.send({ type: 'signal', signal: 'SIGKILL' });
    const result = transcript.result(runtime, ending);
    if (send({ type: 'result', result })) settle(result.status);
    else sendError(new InternalServerError('The result of the run could not be sent'));
  }

  /** Ends the run with an error: refused before it started, or an `error` event after. */
  function fail(error: AppError): void {
    if (!runtime) {
      clientDone = true;
      options.signal?.removeEventListener('abort', killOnAbort);
      answer.refused(error);
      return;
    }
    if (!clientLive) return;
    clientLive = false;
    stopListening();
    socket.send({ type: 'signal', signal: 'SIGKILL' });
    sendError(error);
  }

  function sendError(error: AppError): void {
    const { requestId } = options;
    send({ type: 'error', error: error.message, code: error.code, requestId });
    settle(`error:${error.code}`);
  }

  /**
   * The client killed the run or went away: it ends at once in every state. Before Piston took
   * the job, the client gets the runtime it asked for and a killed result with no output.
   */
  function killOnAbort(): void {
    if (clientDone) return;
    if (!runtime) acknowledge(prepared.runtime);
    conclude(KILLED);
  }

  function settle(outcome: string): void {
    clientDone = true;
    if (jobEnded) clearTimeout(deadline);
    clearTimeout(slowReader);
    transcript.release();
    // The signal lives as long as the client's response, and an idle keep-alive connection keeps
    // that alive: a listener left on it would hold this run (its transcript, up to the output cap)
    // until the connection closes.
    options.signal?.removeEventListener('abort', killOnAbort);
    metrics.liveOutcomes.inc({ outcome });
    logger.info(
      {
        requestId: options.requestId,
        language: runtime?.language,
        version: runtime?.version,
        outcome,
        outputBytes: forwarded,
        stdinBytes,
        durationMs: Date.now() - began,
      },
      'live run ended',
    );
    finishClient();
  }

  function forward(stream: 'stdout' | 'stderr', data: string): void {
    const bytes = Buffer.byteLength(data, 'utf8');
    const room = config.MAX_STREAM_OUTPUT_BYTES - forwarded;
    const part = bytes <= room ? data : utf8Prefix(data, room);
    if (part !== '') {
      const partBytes = part === data ? bytes : Buffer.byteLength(part, 'utf8');
      forwarded += partBytes;
      metrics.liveOutputBytes.inc({ stream }, partBytes);
      transcript.data(stream, part);
      if (!send({ type: stream, data: part })) {
        fail(new InternalServerError('The output of the run could not be sent'));
        return;
      }
    }
    if (bytes > room) conclude({ status: 'output_limit', error: 'Output Limit Exceeded' });
    else watchReader();
  }

  /**
   * A client over `maxBuffered` unread bytes is given `slowReaderMs` to catch up: a large event
   * is buffered whole until the socket takes it, however fast the client reads.
   */
  function watchReader(): void {
    if (slowReader || sink.buffered() <= maxBuffered) return;
    slowReader = setTimeout(() => {
      slowReader = undefined;
      if (sink.buffered() <= maxBuffered) return;
      conclude({
        status: 'output_limit',
        error: 'Output Limit Exceeded (the client did not read the output fast enough)',
      });
    }, deps.slowReaderMs ?? DEFAULT_SLOW_READER_MS);
  }

  function onFrame(frame: PistonFrame): void {
    switch (frame.type) {
      case 'runtime':
        return acknowledge(frame);
      case 'error':
        return fail(
          runtime
            ? new UpstreamError('The execution engine failed the run')
            : refusal(frame.message),
        );
      case 'stage':
        if (!clientLive) return;
        transcript.stage(frame.stage);
        send({ type: 'stage', stage: frame.stage });
        if (frame.stage === 'run') stdin.start();
        return;
      case 'data':
        if (clientLive) forward(frame.stream, frame.data);
        return;
      case 'exit': {
        if (!clientLive) return;
        const exitCode = frame.code ?? null;
        const signal = frame.signal ?? null;
        transcript.exit(frame.stage, exitCode, signal);
        send({ type: 'exit', stage: frame.stage, exitCode, signal });
        if (transcript.finished()) conclude();
        return;
      }
    }
  }

  function acknowledge(frame: { language: string; version: string }): void {
    if (runtime) return;
    runtime = { language: frame.language, version: frame.version };
    clientLive = true;
    send({ type: 'runtime', language: frame.language, version: frame.version });
    const run: LiveRun = {
      write(data) {
        if (!clientLive) return;
        stdinBytes += Buffer.byteLength(data, 'utf8');
        if (stdinBytes > config.MAX_STDIN_BYTES) {
          fail(
            new BadRequestError(
              'payload_too_large',
              `The stdin of a live run is limited to ${config.MAX_STDIN_BYTES} bytes in total`,
            ),
          );
        } else stdin.write(data);
      },
      kill: killOnAbort,
      done,
    };
    answer.accepted(run);
  }

  function refusal(message: string): AppError {
    if (message.endsWith('runtime is unknown')) {
      deps.runtimes.invalidate();
      return new BadRequestError(
        'unsupported_language',
        `${request.language} ${request.version} is no longer installed; try again to use what is`,
      );
    }
    return new UpstreamError('The execution engine refused the run');
  }

  const socket: PistonSocket = openPistonSocket(
    {
      baseUrl: config.PISTON_URL,
      headers: pistonHeaders(config.PISTON_AUTH_HEADER),
      handshakeTimeoutMs: config.PISTON_TIMEOUT_MS,
      maxPayload: PISTON_MAX_FRAME_BYTES,
    },
    {
      open() {
        // Killed while connecting: Piston has no job yet, and is given none.
        if (clientDone) {
          socket.terminate();
          return;
        }
        // Piston ignores init's stdin on its socket; it is sent as data once the run starts.
        socket.send({ type: 'init', ...request, stdin: '' });
      },
      frame: onFrame,
      garbled() {
        logger.warn(
          { requestId: options.requestId },
          'live run: a frame from Piston was not understood',
        );
      },
      failed: fail,
      closed(_code, tooLarge) {
        if (!abandoned) endJob();
        if (!runtime) {
          fail(
            new UpstreamError(
              tooLarge
                ? 'The execution engine sent a frame over the size limit before taking the run'
                : 'The execution engine closed the connection before taking the run',
            ),
          );
        } else if (tooLarge) conclude({ status: 'output_limit', error: 'Output Limit Exceeded' });
        else if (transcript.finished()) conclude();
        else fail(new UpstreamError('The connection to the execution engine was lost mid-run'));
      },
    },
  );
  // Piston writes the body's stdin on POST /api/v2/execute and then closes it; its socket cannot
  // close stdin, so the body's stdin is ended by a newline, which lets line readers (input(),
  // read line) take its last line as Piston's end-of-file does.
  const stdin = createStdinPipe(
    socket,
    request.stdin === '' || request.stdin.endsWith('\n') ? request.stdin : `${request.stdin}\n`,
  );
  if (options.signal?.aborted) killOnAbort();
  else options.signal?.addEventListener('abort', killOnAbort, { once: true });
}
