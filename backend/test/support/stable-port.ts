import { readFileSync } from 'node:fs';
import type { Server } from 'node:net';

/** Fewer ports than this below the ephemeral range, and the range is not worth avoiding. */
const MIN_CHOICE = 1000;
const ATTEMPTS = 20;

/**
 * Makes `server` listen on loopback at a random port below the kernel's ephemeral range, and
 * returns the port. Servers that listen on port 0 (supertest starts one per request) are only
 * given ports inside that range, so once this server closes, its port stays closed: a client gets
 * ECONNREFUSED instead of reaching whichever test's server the kernel handed the port to next.
 */
export async function listenOnStablePort(server: Server): Promise<number> {
  const low = ephemeralRangeStart();
  if (low !== undefined && low - 1024 >= MIN_CHOICE) {
    for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
      const port = 1024 + Math.floor(Math.random() * (low - 1024));
      if (await tryListen(server, port)) return port;
    }
  }
  await tryListen(server, 0);
  return (server.address() as { port: number }).port;
}

function ephemeralRangeStart(): number | undefined {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/);
    return low === undefined ? undefined : Number(low);
  } catch {
    return undefined;
  }
}

/** Listens on the port; false when it is taken (or not allowed), so another can be tried. */
function tryListen(server: Server, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (port !== 0 && (error.code === 'EADDRINUSE' || error.code === 'EACCES')) resolve(false);
      else reject(error);
    };
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve(true);
    });
  });
}
