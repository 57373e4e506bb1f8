import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserSkipReason,
  launchBrowser,
  serveGateway,
  setCode,
  watchedContext,
  type PageWatch,
  type ServedGateway,
} from './browser.js';

const skip = browserSkipReason();
// Programs with a recorded Piston session (fixtures/ws): the stand-in replays them, waiting for
// the client's stdin where the recording did.
const ASKS =
  'name = input("name? ")\nprint("hello", name, flush=True)\nage = input()\nprint("age", age)';
const TICKS =
  'import time\nfor i in range(3):\n    print("tick", i, flush=True)\n    time.sleep(0.3)';

/** The gateway's app behind a server that refuses the WebSocket upgrade, as one without it does. */
async function serveWithoutWebSocket(
  gateway: ServedGateway,
): Promise<{ url: string; server: Server }> {
  const server = createServer(gateway.t.app);
  server.on('upgrade', (_req, socket) => {
    socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** The playground against the gateway's real live-run routes (#15), Piston's socket faked. */
describe.skipIf(skip !== undefined)('the playground with live runs (SSE and WebSocket)', () => {
  let browser: Browser;
  let gateway: ServedGateway;
  let noSocket: { url: string; server: Server };
  let page: Page;
  let watch: PageWatch;
  const sent: Record<string, unknown>[] = [];

  /** Loads the page afresh (it remembers which live routes the server lacks) and picks Python. */
  async function open(url: string, program: string): Promise<void> {
    await page.goto(`${url}/`);
    await expect.poll(() => page.locator('#run').isEnabled()).toBe(true);
    await page.selectOption('#language', 'python@3.11.2');
    await setCode(page, program);
  }

  beforeAll(async () => {
    [browser, gateway] = await Promise.all([launchBrowser(), serveGateway()]);
    noSocket = await serveWithoutWebSocket(gateway);
    const watched = await watchedContext(browser);
    watch = watched.watch;
    page = await watched.newPage();
    page.on('websocket', (socket) => {
      socket.on('framesent', ({ payload }) => {
        sent.push(JSON.parse(String(payload)) as Record<string, unknown>);
      });
    });
  });
  afterAll(async () => {
    await browser.close();
    noSocket.server.closeAllConnections();
    await new Promise((resolve) => noSocket.server.close(resolve));
    await gateway.close();
  });

  it('when a program asks for input over the WebSocket, then typing lines answers it and the run ends ok', async () => {
    await open(gateway.url, ASKS);
    await page.click('#run');
    await expect.poll(() => page.locator('#output').innerText()).toBe('name? ');
    await expect.poll(() => page.locator('#input-line').isVisible()).toBe(true);
    expect(await page.locator('#status').innerText()).toBe('Running…');

    await page.fill('#input-line', 'Ada');
    await page.press('#input-line', 'Enter');
    await expect.poll(() => page.locator('#output').innerText()).toBe('name? Ada\nhello Ada\n');
    await page.fill('#input-line', '36');
    await page.press('#input-line', 'Enter');

    await expect.poll(() => page.locator('#status').innerText()).toMatch(/^OK/);
    expect(await page.locator('#output').innerText()).toBe('name? Ada\nhello Ada\n36\nage 36\n');
    expect(sent[0]).toMatchObject({ type: 'init', language: 'python', code: ASKS });
    expect(sent.slice(1)).toEqual([
      { type: 'stdin', data: 'Ada\n' },
      { type: 'stdin', data: '36\n' },
    ]);
    expect(await page.locator('#input-line').isVisible()).toBe(false);
  });

  it('when Stop is pressed during a WebSocket run, then a kill frame is sent and the status says stopped', async () => {
    sent.length = 0;
    await open(gateway.url, ASKS);
    await page.click('#run');
    await expect.poll(() => page.locator('#output').innerText()).toBe('name? ');
    await page.click('#stop');

    await expect.poll(() => page.locator('#status').innerText()).toMatch(/^Stopped/);
    expect(sent.map((frame) => frame.type)).toEqual(['init', 'kill']);
    await expect
      .poll(() => gateway.t.fake.live.sessions.at(-1)?.received)
      .toContainEqual({ type: 'signal', signal: 'SIGKILL' });
    expect(await page.locator('#run').isEnabled()).toBe(true);
  });

  it('when the server has no WebSocket route, then the run streams over SSE to its end', async () => {
    await open(noSocket.url, TICKS);
    await page.click('#run');

    // The recorded program prints for about a second.
    await expect
      .poll(() => page.locator('#status').innerText(), { timeout: 10_000 })
      .toMatch(/^OK/);
    expect(await page.locator('#output').innerText()).toBe('tick 0\ntick 1\ntick 2\n');
    expect(gateway.t.fake.live.sessions.at(-1)?.received[0]).toMatchObject({
      type: 'init',
      language: 'python',
    });
  });

  it('when a streamed program waits, then its output so far shows, and Stop abandons the stream', async () => {
    await open(noSocket.url, ASKS);
    const streams: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/api/execute/stream')) streams.push(request.method());
    });
    await page.click('#run');
    // The program waits for input the stream cannot send: its prompt shows while it runs.
    await expect.poll(() => page.locator('#output').innerText()).toBe('name? ');
    expect(await page.locator('#status').innerText()).toBe('Running…');
    expect(streams).toEqual(['POST']);
    const session = gateway.t.fake.live.sessions.at(-1);

    await page.click('#stop');

    await expect.poll(() => page.locator('#status').innerText()).toBe('Stopped');
    // The gateway saw the client go and asked Piston to kill the job.
    await expect
      .poll(() => session?.received)
      .toContainEqual({ type: 'signal', signal: 'SIGKILL' });
  });

  it('when the runs above are done, then no console error, CSP violation or request off localhost happened', async () => {
    expect(await watch.cspViolations()).toEqual([]);
    expect(watch.consoleErrors).toEqual([]);
    expect(watch.offsite).toEqual([]);
  });
});
