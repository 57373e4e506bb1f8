import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/server.js';
import { buildTestApp, type TestApp } from '../support/build-test-app.js';
import type { FakePistonOptions } from '../support/fake-piston-server.js';

/** Where Chromium is: CHROMIUM_PATH, else Debian's (`apt-get install chromium`); undefined if absent. */
export function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find(
    (path): path is string => path !== undefined && path !== '' && existsSync(path),
  );
}

/** The reason browser tests skip, printed once per file; undefined when Chromium is there. */
export function browserSkipReason(): string | undefined {
  if (findChromium() !== undefined) return undefined;
  const reason =
    'browser tests skipped: no Chromium found (install Debian\'s "chromium" or set CHROMIUM_PATH)';
  process.stderr.write(`${reason}\n`);
  return reason;
}

/** Starts headless Chromium (one per test file). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: findChromium(),
    // Containers run tests as root, where Chromium's sandbox cannot start.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

/** What a page did that a test fails on: console errors, CSP violations, requests off localhost. */
export interface PageWatch {
  consoleErrors: string[];
  offsite: string[];
  cspViolations(): Promise<string[]>;
}

/**
 * The console lines Chromium writes when the page finds the live-run routes absent (#15: the
 * WebSocket upgrade or the stream answers 404) and falls back to `POST /api/execute`; every
 * other error counts.
 */
function isLiveRouteProbe(text: string, url: string): boolean {
  if (/\/api\/execute\/ws' failed: .*response code: 404/.test(text)) return true;
  return text.includes('status of 404') && url.endsWith('/api/execute/stream');
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * A browser context whose requests to any host but localhost are recorded and aborted, with a
 * listener for CSP violations in every page (Playwright's init scripts are not subject to CSP).
 */
export async function watchedContext(
  browser: Browser,
  options: Parameters<Browser['newContext']>[0] = {},
): Promise<{ context: BrowserContext; watch: PageWatch; newPage: () => Promise<Page> }> {
  const context = await browser.newContext(options);
  const watch: PageWatch = {
    consoleErrors: [],
    offsite: [],
    cspViolations: async () => {
      const all = await Promise.all(
        context
          .pages()
          .map((page) =>
            page.evaluate(
              () => (window as unknown as { cspViolations?: string[] }).cspViolations ?? [],
            ),
          ),
      );
      return all.flat();
    },
  };
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'data:' || LOCAL_HOSTS.has(url.hostname)) await route.continue();
    else {
      watch.offsite.push(url.href);
      await route.abort();
    }
  });
  await context.addInitScript(() => {
    const list: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = list;
    document.addEventListener('securitypolicyviolation', (event) => {
      list.push(
        `${event.violatedDirective} ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}:${event.columnNumber} ${event.sample}`,
      );
    });
  });
  return {
    context,
    watch,
    newPage: async () => {
      const page = await context.newPage();
      page.on('console', (message) => {
        if (
          message.type() === 'error' &&
          !isLiveRouteProbe(message.text(), message.location().url)
        ) {
          watch.consoleErrors.push(message.text());
        }
      });
      page.on('pageerror', (error) => watch.consoleErrors.push(error.message));
      return page;
    },
  };
}

/** A gateway on a free port in front of the fake Piston, for a browser to load. */
export interface ServedGateway {
  t: TestApp;
  server: RunningServer;
  url: string;
  close(): Promise<void>;
}

const SILENT = { info: () => undefined, warn: () => undefined };

/** Builds the real gateway (with the fake Piston) and listens on a free loopback port. */
export async function serveGateway(
  env: Record<string, string> = {},
  fake: FakePistonOptions = {},
): Promise<ServedGateway> {
  const t = await buildTestApp({ HOST: '127.0.0.1', ...env }, fake);
  const server = await startServer(t.app, { ...t.config, PORT: 0 }, SILENT);
  return {
    t,
    server,
    url: `http://127.0.0.1:${server.port}`,
    close: async () => {
      await server.shutdown();
      await t.close();
    },
  };
}

/**
 * Replaces the editor's text by pasting it (no auto-closed brackets or indentation). A paste
 * event, as the clipboard sends it: Chromium's own text insertion into a contenteditable adds
 * `style` attributes, which the page's CSP rightly refuses.
 */
export async function setCode(page: Page, code: string): Promise<void> {
  await page.locator('.cm-content').click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.locator('.cm-content').evaluate((content, text) => {
    const data = new DataTransfer();
    data.setData('text/plain', text);
    content.dispatchEvent(
      new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
    );
  }, code);
}

/** The editor's text, line by line as CodeMirror renders it. */
export function editorText(page: Page): Promise<string> {
  return page.$$eval('.cm-line', (lines) => lines.map((line) => line.textContent).join('\n'));
}
