import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { installRuntimes, type InstallReport } from '../../src/piston/runtime-installer.js';

/**
 * A stand-in Piston whose installs answer only after `installDelayMs`, as the real one does: it
 * sends nothing until the package is downloaded and unpacked. The delay runs on the global
 * timers, so a test with fake timers makes minutes pass at once over real connections.
 */
async function startSlowPiston(installDelayMs: number) {
  const sockets = new Set<Socket>();
  let arrived: () => void = () => undefined;
  const installArrived = new Promise<void>((resolve) => (arrived = resolve));
  const send = (res: ServerResponse, body: unknown) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/api/v2/packages') {
        send(res, [{ language: 'rust', language_version: '1.68.2', installed: false }]);
      } else if (req.method === 'POST' && req.url === '/api/v2/packages') {
        arrived();
        setTimeout(() => send(res, { language: 'rust', version: '1.68.2' }), installDelayMs);
      } else {
        res.writeHead(404).end();
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    installArrived,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

let piston: Awaited<ReturnType<typeof startSlowPiston>> | undefined;
beforeEach(() => {
  // Only the clocks: sockets, setImmediate and nextTick stay real.
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
  });
});
afterEach(async () => {
  vi.useRealTimers();
  await piston?.close();
  piston = undefined;
});

/** Installs rust from a Piston that takes `installDelayMs`, letting `elapseMs` of fake time pass. */
async function installSlowly(
  installDelayMs: number,
  elapseMs: number,
  options: { installTimeoutMs?: number } = {},
): Promise<{ report: InstallReport; lines: string[] }> {
  piston = await startSlowPiston(installDelayMs);
  const lines: string[] = [];
  const pending = installRuntimes({
    pistonUrl: piston.url,
    manifest: [{ language: 'rust', version: '1.68.2' }],
    log: (line) => lines.push(line),
    ...options,
  });
  await piston.installArrived;
  await vi.advanceTimersByTimeAsync(elapseMs);
  return { report: await pending, lines };
}

describe('installRuntimes against a Piston that installs slowly', () => {
  it('when one install takes longer than 300 s, then it waits for it (Node fetch gave up at 300 s)', async () => {
    const { report, lines } = await installSlowly(301_000, 301_000);

    expect(report).toEqual({ installed: ['rust 1.68.2'], skipped: [], failed: [] });
    expect(lines).toContain('[1/1] rust 1.68.2: installing (may take up to 15 min)...');
    expect(lines).toContain('[1/1] rust 1.68.2: installed 1.68.2 in 5 min 1 s');
  });

  it('when an install runs long, then it says every 30 s that it is still running', async () => {
    const { lines } = await installSlowly(95_000, 95_000);

    expect(lines.filter((l) => l.includes('still installing'))).toEqual([
      '[1/1] rust 1.68.2: still installing (30.0 s so far)',
      '[1/1] rust 1.68.2: still installing (1 min so far)',
      '[1/1] rust 1.68.2: still installing (1 min 30 s so far)',
    ]);
  });

  it('when an install takes longer than 15 min, then that package fails with the reason', async () => {
    const { report, lines } = await installSlowly(16 * 60_000, 16 * 60_000);

    expect(report.failed).toEqual(['rust 1.68.2']);
    expect(lines).toContain(
      '[1/1] rust 1.68.2: FAILED after 15 min: no answer within 15 min ' +
        '(Piston may still finish it: run the installer again later, or allow more time)',
    );
  });

  it('when the install timeout is configured, then an install longer than it fails', async () => {
    const { report, lines } = await installSlowly(61_000, 61_000, { installTimeoutMs: 60_000 });

    expect(report.failed).toEqual(['rust 1.68.2']);
    expect(lines.at(-1)).toMatch(
      /^\[1\/1\] rust 1\.68\.2: FAILED after 1 min: no answer within 1 min/,
    );
  });

  it('when the install timeout is configured, then an install shorter than it succeeds', async () => {
    const { report } = await installSlowly(59_000, 59_000, { installTimeoutMs: 60_000 });

    expect(report.installed).toEqual(['rust 1.68.2']);
  });
});
