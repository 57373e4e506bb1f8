import { connect, type Socket } from 'node:net';

/** One HTTP/1.1 answer as read off a raw connection. */
export interface RawAnswer {
  status: number;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: string;
}

/** A TCP connection to a test server that the test drives byte by byte. */
export interface RawConnection {
  socket: Socket;
  /** Writes `text` and resolves with the next complete answer (Content-Length framed). */
  send(text: string): Promise<RawAnswer>;
  /** Resolves with the next complete answer without writing anything. */
  answer(): Promise<RawAnswer>;
  /** Resolves when the server has closed the connection (or it errored). */
  closed: Promise<void>;
}

/** A keep-alive `GET` of `path` (default `/health`). */
export function rawGet(path = '/health'): string {
  return `GET ${path} HTTP/1.1\r\nHost: test\r\nConnection: keep-alive\r\n\r\n`;
}

/**
 * Opens a raw TCP connection to 127.0.0.1:`port`, for what an HTTP client hides: which socket a
 * request travels on, a body that never comes, whether the server closes the connection.
 */
export async function openRawConnection(port: number): Promise<RawConnection> {
  const socket = connect(port, '127.0.0.1');
  let buffered = '';
  let waiting: (() => void) | undefined;
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    waiting?.();
  });
  const closed = new Promise<void>((resolve) => {
    socket.once('close', () => resolve());
  });
  socket.on('error', () => undefined);
  socket.on('close', () => waiting?.());
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });

  function take(): RawAnswer | undefined {
    const end = buffered.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine = '', ...lines] = buffered.slice(0, end).split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    if (buffered.length < end + 4 + length) return undefined;
    const body = buffered.slice(end + 4, end + 4 + length);
    buffered = buffered.slice(end + 4 + length);
    return { status: Number(statusLine.split(' ')[1]), headers, body };
  }

  function answer(): Promise<RawAnswer> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const next = take();
        if (next) {
          waiting = undefined;
          resolve(next);
        } else if (socket.destroyed) {
          waiting = undefined;
          reject(new Error('connection closed before a complete answer'));
        }
      };
      waiting = check;
      check();
    });
  }

  return {
    socket,
    send(text) {
      socket.write(text);
      return answer();
    },
    answer,
    closed,
  };
}
