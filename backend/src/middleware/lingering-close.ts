import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** How long a connection closed on an unread body goes on reading (and discarding) it. */
export const LINGER_MS = 2000;

/**
 * Closes the connection after this answer without losing the answer. Node's own close destroys
 * the socket as soon as the answer is written; with request bytes still unread, the kernel then
 * resets the connection, and the reset can reach the client (or a proxy such as nginx, which
 * then answers 502 or 503 itself) before the answer does. So, like nginx's `lingering_close`:
 * half-close after the answer, let the HTTP parser read off and discard what still arrives, and
 * destroy the socket when the client closes its side or after LINGER_MS at most.
 *
 * @example res.shouldKeepAlive = false; closeAfterAnswer(res); next(new PayloadTooLarge());
 */
export function closeAfterAnswer(res: ServerResponse, lingerMs = LINGER_MS): void {
  res.shouldKeepAlive = false;
  const socket = res.socket;
  if (!socket) return;
  // Node's server ends a `Connection: close` exchange with socket.destroySoon().
  socket.destroySoon = function lingeringClose(this: Socket) {
    if (this.writable) this.end();
    const timer = setTimeout(() => this.destroy(), lingerMs);
    timer.unref();
    this.once('close', () => clearTimeout(timer));
  };
}
