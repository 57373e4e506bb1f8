import { createServer } from 'node:net';
import { listenOnStablePort } from './stable-port.js';

/**
 * A loopback port that nothing listens on now, below the ephemeral range (see stable-port), so no
 * other test's server on port 0 can take it before the caller starts a server on it or expects
 * a connection to it to be refused.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listenOnStablePort(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
