import type { ServerResponse } from 'node:http';

/**
 * How the fake answers a route instead of behaving like Piston (`reset` destroys the connection
 * without answering). With `once`, only the next request misbehaves; then the route is normal.
 */
export type FakeBehaviour = (
  | { kind: 'status'; status: number; body: unknown }
  | { kind: 'garbage' }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'redirect'; location: string }
) & { once?: boolean };

/** Answers as `behaviour` says instead of as Piston would. */
export function misbehave(behaviour: FakeBehaviour, res: ServerResponse): void {
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
    case 'redirect':
      res.writeHead(307, { location: behaviour.location, 'content-length': 0 });
      res.end();
      return;
  }
}

/** Sends `body` as JSON with its length. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendRaw(res, status, JSON.stringify(body));
}

/** Sends `text` as a JSON body with its length. */
export function sendRaw(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
