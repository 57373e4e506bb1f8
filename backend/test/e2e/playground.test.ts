import AxeBuilder from '@axe-core/playwright';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserSkipReason,
  editorText,
  launchBrowser,
  serveGateway,
  setCode,
  watchedContext,
  type PageWatch,
  type ServedGateway,
} from './browser.js';
import { loadFixture } from '../support/fixtures.js';
import { runProgram } from '../support/test-programs.js';

const skip = browserSkipReason();
const SCREENSHOTS = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));
const HELLO = 'print("hello from the browser")';
const COMPILE_ERROR = (
  loadFixture('c-compile-error').request.body as { files: { content: string }[] }
).files[0]!.content;

describe.skipIf(skip !== undefined)('the playground (GET /) in Chromium', () => {
  let browser: Browser;
  let gateway: ServedGateway;
  let page: Page;
  let watch: PageWatch;

  beforeAll(async () => {
    [browser, gateway] = await Promise.all([
      launchBrowser(),
      // At most one test case per run, so that two show the API's validation details.
      serveGateway(
        { MAX_TESTS: '1' },
        { stdoutByProgram: { [HELLO]: 'hello from the browser\n' }, runProgram },
      ),
    ]);
    const watched = await watchedContext(browser);
    watch = watched.watch;
    page = await watched.newPage();
    await page.goto(`${gateway.url}/`);
  });
  afterAll(async () => {
    await browser.close();
    await gateway.close();
  });

  it('when a language is picked and a typed program run, then its output and an OK status show', async () => {
    await expect.poll(() => page.locator('#language').isEnabled()).toBe(true);
    await page.selectOption('#language', 'python@3.11.2');
    await setCode(page, '');
    await page.locator('.cm-content').pressSequentially(HELLO);
    expect(await editorText(page)).toBe(HELLO);
    // Highlighted: the Python mode (a chunk loaded on demand) wraps the tokens in spans.
    await expect.poll(() => page.locator('.cm-line span').count()).toBeGreaterThan(0);
    await page.click('#run');

    await expect.poll(() => page.locator('#output').innerText()).toBe('hello from the browser\n');
    await expect.poll(() => page.locator('#status').innerText()).toMatch(/^OK/);
    expect(await page.locator('#status').getAttribute('data-tone')).toBe('ok');
  });

  it('when a C program does not compile, then the status says so and the compiler output shows as stderr', async () => {
    await page.selectOption('#language', 'c@12.2.0');
    await setCode(page, COMPILE_ERROR);
    await page.keyboard.press('ControlOrMeta+Enter');

    await expect.poll(() => page.locator('#status').innerText()).toMatch(/^Compile error/);
    expect(await page.locator('#output .stderr').innerText()).toContain("error: expected ';'");
  });

  it('when the share link is opened in a new page, then the same language, code and input come back', async () => {
    await page.selectOption('#language', 'python@3.11.2');
    await setCode(page, 'name = input()\nprint("hi", name)\n');
    await page.click('summary:has-text("Input and arguments")');
    await page.fill('#stdin', 'Ada\n');
    await page.click('#share');
    await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/^#code\//);
    const link = page.url();

    const other = await page.context().newPage();
    await other.goto(link);
    await expect.poll(() => editorText(other)).toBe('name = input()\nprint("hi", name)\n');
    expect(await other.inputValue('#language')).toBe('python@3.11.2');
    expect(await other.inputValue('#stdin')).toBe('Ada\n');
    await other.close();
  });

  it('when the execute rate limit is spent, then the 429 shows as a sentence with its wait, not as JSON', async () => {
    const limited = await serveGateway(
      { EXECUTE_RATE_LIMIT_MAX: '1' },
      { stdoutByProgram: { [HELLO]: 'hi\n' } },
    );
    const other = await page.context().newPage();
    try {
      await other.goto(`${limited.url}/`);
      await expect.poll(() => other.locator('#run').isEnabled()).toBe(true);
      await other.selectOption('#language', 'python@3.11.2');
      await setCode(other, HELLO);
      await other.click('#run');
      await expect.poll(() => other.locator('#status').innerText()).toMatch(/^OK/);
      await other.click('#run');

      await expect
        .poll(() => other.locator('#error').innerText())
        .toMatch(/^Too many runs for now\. Try again in 5 minutes\.$/);
      expect(await other.locator('#status').innerText()).toBe('Rate limited');
      expect(await other.locator('#error').innerText()).not.toContain('{');
    } finally {
      await other.close();
      await limited.close();
    }
  });

  it('when test cases are run, then the API validation details or the verdict of each case show', async () => {
    const other = await page.context().newPage();
    try {
      await other.goto(`${gateway.url}/`);
      await expect.poll(() => other.locator('#run').isEnabled()).toBe(true);
      await other.selectOption('#language', 'python@3.11.2');
      // The fake Piston's `sum` prints the sum of the numbers on its stdin (test-programs.ts).
      await setCode(other, 'sum');
      await other.click('summary:has-text("Test cases")');
      for (const [n, stdin, expected] of [
        [1, '2 3', '6'],
        [2, '1 1', '2'],
      ] as const) {
        await other.click('#add-test');
        await other.fill(`#tests li:nth-child(${n}) [data-role="stdin"]`, stdin);
        await other.fill(`#tests li:nth-child(${n}) [data-role="expected"]`, expected);
      }

      // This gateway takes one test case per run (MAX_TESTS=1): its 400 shows with the details.
      await other.click('#run');
      await expect.poll(() => other.locator('#error li').allInnerTexts()).toHaveLength(1);
      expect(await other.locator('#error li').innerText()).toMatch(/^tests: /);
      expect(await other.locator('#error p').innerText()).toBe('The request body is invalid');
      expect(await other.locator('#status').innerText()).toBe('Not run');

      // One case: the gateway runs it and answers with its verdict.
      await other.click('#tests li:nth-child(2) button:has-text("Remove")');
      await other.click('#run');
      await expect
        .poll(() => other.locator('#verdicts .verdict').innerText())
        .toBe('wrong answer: 0 of 1 passed');
      expect(await other.locator('#verdicts tbody tr').first().innerText()).toMatch(
        /^case 1\twrong answer\t5\s+\t6$/,
      );
      expect(await other.locator('#status').innerText()).toBe('Wrong answer · 0 of 1 passed');
      expect(await other.locator('#error').isVisible()).toBe(false);
      expect(gateway.t.fake.lastExecuteBody()).toMatchObject({ stdin: '2 3' });
    } finally {
      await other.close();
    }
  });

  it('when the page was used as above, then no console error, CSP violation or request off localhost happened', async () => {
    expect(await watch.cspViolations()).toEqual([]);
    expect(watch.consoleErrors).toEqual([]);
    expect(watch.offsite).toEqual([]);
  });

  it('when the page is checked with axe, then it has no serious or critical violations', async () => {
    const results = await new AxeBuilder({ page }).analyze();
    const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(bad.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  });

  it('when screenshots are taken light and dark, desktop and phone width, then they are written for the docs', async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    await page.selectOption('#language', 'python@3.11.2');
    await setCode(page, HELLO);
    await page.click('#run');
    await expect.poll(() => page.locator('#status').innerText()).toMatch(/^OK/);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const [name, viewport] of [
        ['desktop', { width: 1280, height: 720 }],
        ['phone', { width: 390, height: 844 }],
      ] as const) {
        await page.setViewportSize(viewport);
        await page.screenshot({ path: `${SCREENSHOTS}playground-${scheme}-${name}.png` });
      }
    }
    // Phone width: nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
  });
});
