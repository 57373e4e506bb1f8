import type { PistonSocket } from './piston-socket.js';

/**
 * Bytes that may wait unwritten in the socket to Piston; past them stdin is joined into one
 * string (at most MAX_STDIN_BYTES, which the runner enforces) until Piston reads again.
 */
export const PISTON_STDIN_HIGH_WATER = 64 * 1024;

/** The stdin of one live run on its way to Piston. */
export interface StdinPipe {
  /** Sends stdin, or keeps it (joined to what waits) until the run starts or Piston catches up. */
  write(data: string): void;
  /** The run stage has started: what waited is written to the program. */
  start(): void;
}

/**
 * Stdin for Piston's socket. Piston hands init's stdin to nobody on its socket and would give
 * stdin sent during a compile to the compiler, so stdin waits for the run stage. Empty strings
 * are dropped (a frame that carries nothing costs a frame all the same), and what waits is one
 * string, not a frame per write, so its memory is its bytes. Frames are only added to the socket
 * while it is not behind (`bufferedAmount` under the high-water mark); else the writes join up
 * and go as one frame once the last frame sent has been written out.
 */
export function createStdinPipe(
  socket: Pick<PistonSocket, 'send' | 'buffered'>,
  initial = '',
): StdinPipe {
  let started = false;
  let waiting = initial;
  let draining = false;

  function flush(): void {
    if (!started || draining || waiting === '') return;
    const frame = { type: 'data', stream: 'stdin', data: waiting };
    waiting = '';
    if (socket.buffered() < PISTON_STDIN_HIGH_WATER) {
      socket.send(frame);
      return;
    }
    // Written once everything before it is: then the socket has caught up.
    draining = true;
    socket.send(frame, () => {
      draining = false;
      flush();
    });
  }

  return {
    write(data) {
      if (data === '') return;
      waiting += data;
      flush();
    },
    start() {
      started = true;
      flush();
    },
  };
}
