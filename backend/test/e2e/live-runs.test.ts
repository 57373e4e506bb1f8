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
import { serveWithFakeLiveRoutes, type FakeLive } from './fake-live-routes.js';

const skip = browserSkipReason();
const PROGRAM = 'name = input("What is your name? ")\nprint(f"Hello, {name}!")\n';

/**
 * The playground against the live-run routes of #15, as their contract describes them (a fake in
 * front of the real gateway: the routes are built on another branch).
 */
describe.skipIf(skip !== undefined)('the playground with live runs (SSE and WebSocket)', () => {
  let browser: Browser;
  let gateway: ServedGateway;
  let live: FakeLive;
  let page: Page;
  let watch: PageWatch;

  /** Loads the page afresh (it remembers which live routes the server lacks) and picks Python. */
  async function open(): Promise<void> {
    await page.goto(`${live.url}/`);
    await expect.poll(() => page.locator('#run').isEnabled()).toBe(true);
    await page.selectOption('#language', 'python@3.11.2');
    await setCode(page, PROGRAM);
  }

  beforeAll(async () => {
    [browser, gateway] = await Promise.all([launchBrowser(), serveGateway()]);
    live = await serveWithFakeLiveRoutes(gateway.t.app);
    const watched = await watchedContext(browser);
    watch = watched.watch;
    page = await watched.newPage();
  });
  afterAll(async () => {
    await browser.close();
    await live.close();
    await gateway.close();
  });

  it('when a program asks for input over the WebSocket, then typing a line answers it and the run ends ok', async () => {
    await open();
    await page.click('#run');
    await expect.poll(() => page.locator('#output').innerText()).toBe('What is your name? ');
    await expect.poll(() => page.locator('#input-line').isVisible()).toBe(true);
    expect(await page.locator('#status').innerText()).toBe('Running…');

    await page.fill('#input-line', 'Ada');
    await page.press('#input-line', 'Enter');

    await expect.poll(() => page.locator('#status').innerText()).toMatch(/^OK · 12 ms · 7\.6 MB/);
    expect(await page.locator('#output').innerText()).toBe('What is your name? Ada\nHello, Ada!\n');
    expect(live.frames[0]).toMatchObject({
      type: 'init',
      language: 'python',
      version: '3.11.2',
      code: PROGRAM,
    });
    expect(live.frames[1]).toEqual({ type: 'stdin', data: 'Ada\n' });
    expect(await page.locator('#input-line').isVisible()).toBe(false);
  });

  it('when Stop is pressed during a WebSocket run, then a kill frame is sent and the status says stopped', async () => {
    live.frames.length = 0;
    await open();
    await page.click('#run');
    await expect.poll(() => page.locator('#output').innerText()).toBe('What is your name? ');
    await page.click('#stop');

    await expect.poll(() => page.locator('#status').innerText()).toMatch(/^Stopped/);
    expect(live.frames.map((frame) => frame.type)).toEqual(['init', 'kill']);
    expect(await page.locator('#run').isEnabled()).toBe(true);
  });

  it('when the server has no WebSocket route, then the run streams over SSE and output shows as it is printed', async () => {
    live.websocket = false;
    await open();
    await page.click('#run');

    await expect.poll(() => page.locator('#output').innerText()).toBe('first line\n');
    expect(await page.locator('#status').innerText()).toBe('Running…');
    live.release();
    await expect.poll(() => page.locator('#status').innerText()).toMatch(/^OK/);
    expect(await page.locator('#output').innerText()).toBe('first line\nsecond line\n');
    expect(live.streamBodies.at(-1)).toMatchObject({ language: 'python', code: PROGRAM });
  });

  it('when Stop is pressed during a streamed run, then the stream is abandoned and the status says stopped', async () => {
    await page.click('#run');
    await expect.poll(() => page.locator('#output').innerText()).toBe('first line\n');
    const abandoned = live.streamAbandoned;
    await page.click('#stop');

    await expect.poll(() => page.locator('#status').innerText()).toBe('Stopped');
    await expect.poll(() => live.streamAbandoned).toBe(abandoned + 1);
    live.release();
  });

  it('when the runs above are done, then no console error, CSP violation or request off localhost happened', async () => {
    expect(await watch.cspViolations()).toEqual([]);
    expect(watch.consoleErrors).toEqual([]);
    expect(watch.offsite).toEqual([]);
  });
});
