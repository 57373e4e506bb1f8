import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request the receiver got, with whether its Standard Webhooks signature verified. */
export interface ReceivedCallback {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  verified: boolean;
  /** The verified payload, parsed. */
  payload: unknown;
}

/** What the receiver does with the next request: answer a status, or never answer. */
export type ReceiverBehaviour =
  { status: number; headers?: Record<string, string>; body?: string } | { stall: true };

/** A real HTTP server standing in for a callback receiver, verifying signatures as one should. */
export interface WebhookReceiver {
  url: string;
  port: number;
  received: ReceivedCallback[];
  /** Behaviours for the next requests, in order; afterwards every request gets 200. */
  script(...behaviours: ReceiverBehaviour[]): void;
  /** Forgets what was received and what was scripted. */
  reset(): void;
  close(): Promise<void>;
}

/** A fresh `whsec_` secret for a test. */
export const TEST_WEBHOOK_SECRET = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;

function answer(res: ServerResponse, behaviour: ReceiverBehaviour): void {
  if ('stall' in behaviour) return;
  res.writeHead(behaviour.status, behaviour.headers);
  res.end(behaviour.body ?? '');
}

/** Starts the receiver on 127.0.0.1, port 0, verifying with `secret` via the standardwebhooks library. */
export async function startWebhookReceiver(secret = TEST_WEBHOOK_SECRET): Promise<WebhookReceiver> {
  const webhook = new Webhook(secret);
  const received: ReceivedCallback[] = [];
  const queue: ReceiverBehaviour[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let verified: boolean;
      let payload: unknown;
      try {
        payload = webhook.verify(body, req.headers as Record<string, string>);
        verified = true;
      } catch {
        verified = false;
      }
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        verified,
        payload,
      });
      answer(res, queue.shift() ?? { status: 200 });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/callback`,
    port,
    received,
    script: (...behaviours) => queue.push(...behaviours),
    reset: () => {
      received.length = 0;
      queue.length = 0;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
