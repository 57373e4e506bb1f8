import { write, writeSync } from 'node:fs';

/** How long to wait before writing again to a destination that is full (EAGAIN). */
const RETRY_MS = 100;

export interface LogDestinationOptions {
  /** File descriptor to write to; default 1 (stdout). */
  fd?: number;
  /** Buffered bytes that trigger a write; fewer wait for the periodic flush. */
  minLength?: number;
  /** How often buffered lines are written when traffic is too light to fill the buffer. */
  flushIntervalMs?: number;
  /** Buffered bytes beyond which new lines are dropped while the destination does not keep up. */
  maxBufferBytes?: number;
}

/** A pino destination that never blocks the event loop or exit, and never throws. */
export interface LogDestination {
  write(line: string): void;
  /** Calls back once everything buffered so far is written, or dropped because it cannot be. */
  flush(callback?: (error?: Error) => void): void;
  /** At exit: one synchronous attempt to write what is buffered; gives up rather than wait. */
  flushSync(): void;
  /** Lines dropped because the destination failed (a closed pipe) or fell behind. */
  dropped(): number;
}

/**
 * The process's log destination: lines are buffered and written to `fd` asynchronously, one
 * write at a time. Unlike pino's own destination (sonic-boom), a destination that fails never
 * holds the process: a closed pipe (`node dist/main.js | head -1`, EPIPE) drops the lines, where
 * sonic-boom's exit flush retried forever and shutdown hung; one that cannot keep up drops new
 * lines past `maxBufferBytes` instead of growing; and the exit flush makes one attempt, never
 * while a write is stuck.
 *
 * @example const logger = pino({ level: 'info' }, createLogDestination());
 */
export function createLogDestination(options: LogDestinationOptions = {}): LogDestination {
  const {
    fd = 1,
    minLength = 4096,
    flushIntervalMs = 1000,
    maxBufferBytes = 4 * 1024 * 1024,
  } = options;
  let buffered: string[] = [];
  let bufferedBytes = 0;
  let writing = false;
  /** Lines in the write under way. */
  let inFlight = 0;
  let broken = false;
  let dropped = 0;
  let waiters: ((error?: Error) => void)[] = [];

  const settle = () => {
    if (writing || (buffered.length > 0 && !broken)) return;
    const done = waiters;
    waiters = [];
    for (const callback of done) callback();
  };
  const drop = () => {
    dropped += buffered.length;
    buffered = [];
    bufferedBytes = 0;
  };
  const writeOut = (chunk: Buffer, offset: number) => {
    write(fd, chunk, offset, chunk.length - offset, null, (error, written) => {
      if (error?.code === 'EAGAIN') {
        setTimeout(() => writeOut(chunk, offset), RETRY_MS).unref();
        return;
      }
      if (error) {
        // EPIPE, EBADF, ...: nobody will read these lines; stop trying.
        broken = true;
        dropped += inFlight;
        drop();
      } else if (offset + written < chunk.length) {
        writeOut(chunk, offset + written);
        return;
      }
      writing = false;
      if (bufferedBytes >= minLength || waiters.length > 0) startWrite();
      else settle();
    });
  };
  function startWrite() {
    if (writing || broken || buffered.length === 0) {
      settle();
      return;
    }
    const chunk = Buffer.from(buffered.join(''));
    inFlight = buffered.length;
    buffered = [];
    bufferedBytes = 0;
    writing = true;
    writeOut(chunk, 0);
  }

  setInterval(startWrite, flushIntervalMs).unref();
  return {
    write(line) {
      if (broken || bufferedBytes + line.length > maxBufferBytes) {
        dropped++;
        return;
      }
      buffered.push(line);
      bufferedBytes += line.length;
      if (bufferedBytes >= minLength) startWrite();
    },
    flush(callback) {
      if (callback) waiters.push(callback);
      startWrite();
    },
    flushSync() {
      // A write still in flight may be stuck on a full pipe; waiting for it could hold exit.
      if (writing || broken || buffered.length === 0) return;
      try {
        writeSync(fd, buffered.join(''));
        buffered = [];
        bufferedBytes = 0;
      } catch {
        broken = true;
        drop();
      }
    },
    dropped: () => dropped,
  };
}
