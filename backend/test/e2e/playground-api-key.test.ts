import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserSkipReason,
  launchBrowser,
  serveGateway,
  setCode,
  type ServedGateway,
} from './browser.js';

const skip = browserSkipReason();
const KEY = 'playground-secret-key-0123456789';
const HELLO = 'print("hello with a key")';

describe.skipIf(skip !== undefined)('the playground on a server that requires an API key', () => {
  let browser: Browser;
  let gateway: ServedGateway;
  let page: Page;
  const sentKeys: (string | undefined)[] = [];

  beforeAll(async () => {
    [browser, gateway] = await Promise.all([
      launchBrowser(),
      serveGateway(
        { API_KEYS: `play:${KEY}:10`, REQUIRE_API_KEY: 'true' },
        { stdoutByProgram: { [HELLO]: 'hello with a key\n' } },
      ),
    ]);
    page = await (await browser.newContext()).newPage();
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/api/')) {
        sentKeys.push(request.headers()['x-api-key']);
      }
    });
    await page.goto(`${gateway.url}/`);
  });
  afterAll(async () => {
    await browser.close();
    await gateway.close();
  });

  it('when the page opens without a key, then it says a key is needed and opens the key field', async () => {
    await expect.poll(() => page.locator('#error').innerText()).toMatch(/API key/);
    expect(await page.locator('#key-section').getAttribute('open')).not.toBeNull();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('api-key');
    expect(await page.locator('#language').isDisabled()).toBe(true);
  });

  it('when the key is entered, then the languages load and a program runs with it', async () => {
    await page.fill('#api-key', KEY);
    await page.locator('#api-key').press('Tab');
    await expect.poll(() => page.locator('#language').isEnabled()).toBe(true);
    await expect.poll(() => page.locator('#error').isHidden()).toBe(true);
    await page.selectOption('#language', 'python@3.11.2');
    await setCode(page, HELLO);
    await page.click('#run');

    await expect.poll(() => page.locator('#output').innerText()).toBe('hello with a key\n');
    expect(sentKeys.at(-1)).toBe(KEY);
  });

  it('when the page is reloaded in the same tab, then the key is remembered there, never in the URL or localStorage', async () => {
    await page.reload();
    await expect.poll(() => page.locator('#language').isEnabled()).toBe(true);
    expect(await page.inputValue('#api-key')).toBe(KEY);
    expect(page.url()).not.toContain(KEY);
    const stored = await page.evaluate(() => JSON.stringify(Object.entries(localStorage)));
    expect(stored).not.toContain(KEY);
  });

  it('when a wrong key is entered, then runs are refused with the key field opened again', async () => {
    await page.click('summary:has-text("API key")');
    await page.fill('#api-key', 'wrong-key-0123456789abcdef');
    await page.locator('#api-key').press('Tab');
    await page.click('summary:has-text("API key")');
    expect(await page.locator('#key-section').getAttribute('open')).toBeNull();
    await page.click('#run');

    await expect.poll(() => page.locator('#error').innerText()).toMatch(/API key/);
    expect(await page.locator('#key-section').getAttribute('open')).not.toBeNull();
  });
});
