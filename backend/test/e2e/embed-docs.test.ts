import AxeBuilder from '@axe-core/playwright';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserSkipReason,
  launchBrowser,
  serveGateway,
  watchedContext,
  type ServedGateway,
} from './browser.js';

const skip = browserSkipReason();
const SNIPPET = 'print("hi from a snippet")';

/** A teacher's page on another origin, with a strict CSP of its own, embedding two snippets. */
function hostPage(gatewayUrl: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Lesson</title>
<link rel="stylesheet" href="/site.css">
<script src="${gatewayUrl}/embed.js" defer></script></head>
<body><main><h1>Lesson 1</h1>
<pre data-run="python">${SNIPPET}</pre>
<pre data-run="c">int main(void) { return 3; }</pre>
</main></body></html>`;
}

/** A small OpenAPI document with every feature the reference page renders, standing in for /openapi.json. */
const OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'Code execution gateway',
    version: '0.1.0',
    description: 'Runs programs.\n\nSafely.',
  },
  paths: {
    '/api/execute/languages': {
      get: {
        summary: 'List the installed languages',
        responses: {
          '200': { description: 'The languages', headers: { ETag: { description: 'validator' } } },
        },
      },
    },
    '/api/execute': {
      post: {
        summary: 'Run a program',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: { $ref: '#/components/schemas/ExecuteRequest' },
              example: { language: 'python', code: SNIPPET },
            },
          },
        },
        responses: {
          '200': {
            description: 'The program ran',
            content: { 'application/json': { example: { status: 'ok' } } },
          },
          '429': {
            description: 'Rate limited',
            headers: { 'Retry-After': { description: 'seconds' } },
          },
        },
      },
    },
  },
  components: {
    schemas: {
      ExecuteRequest: {
        type: 'object',
        required: ['language'],
        properties: {
          language: { type: 'string', description: 'A language name or alias' },
          code: { type: 'string' },
          args: { type: 'array', items: { type: 'string' }, maxItems: 64 },
        },
      },
    },
  },
};

describe.skipIf(skip !== undefined)('/embed.js on another origin, and /docs, in Chromium', () => {
  let browser: Browser;
  let gateway: ServedGateway;
  let host: Server;
  let hostUrl: string;

  beforeAll(async () => {
    let gatewayUrl = '';
    host = createServer((req, res) => {
      if (req.url === '/site.css') {
        // The host's own CSS must not reach into the snippet (shadow DOM).
        res
          .writeHead(200, { 'Content-Type': 'text/css' })
          .end('pre, button, textarea { display: none !important; color: red; }');
        return;
      }
      res.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy': `default-src 'self'; script-src ${gatewayUrl}; connect-src ${gatewayUrl}; style-src 'self'`,
      });
      res.end(hostPage(gatewayUrl));
    });
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    hostUrl = `http://localhost:${(host.address() as AddressInfo).port}`;
    [browser, gateway] = await Promise.all([
      launchBrowser(),
      serveGateway(
        { CORS_ORIGINS: hostUrl },
        { stdoutByProgram: { [`${SNIPPET}\n`]: 'hi from a snippet\n' } },
      ),
    ]);
    gatewayUrl = gateway.url;
  });
  afterAll(async () => {
    await browser.close();
    await gateway.close();
    await new Promise((resolve) => host.close(resolve));
  });

  it('when a page on another origin includes the script, then its snippets run against the gateway the script came from', async () => {
    const { newPage, watch } = await watchedContext(browser);
    const page = await newPage();
    await page.goto(`${hostUrl}/`);
    const snippets = page.locator('[data-run-snippet]');
    await expect.poll(() => snippets.count()).toBe(2);
    const python = snippets.nth(0);
    expect(await python.locator('textarea').inputValue()).toBe(`${SNIPPET}\n`);
    expect(await python.locator('button').isVisible()).toBe(true);

    await python.locator('button').click();

    await expect.poll(() => python.locator('.out').innerText()).toBe('hi from a snippet\n');
    await expect.poll(() => python.locator('.status').innerText()).toMatch(/^OK/);
    // The snippet streamed its run (SSE), which reached Piston over its live socket.
    expect(gateway.t.fake.live.sessions.at(-1)?.received[0]).toMatchObject({
      type: 'init',
      language: 'python',
    });
    expect(await watch.cspViolations()).toEqual([]);
    expect(watch.consoleErrors).toEqual([]);
    expect(watch.offsite).toEqual([]);
  });

  it('when the reference page loads the OpenAPI document, then operations, fields and examples render and try it answers', async () => {
    const { context, newPage, watch } = await watchedContext(browser);
    await context.route('**/openapi.json', (route) => route.fulfill({ json: OPENAPI }));
    const page = await newPage();
    await page.goto(`${gateway.url}/docs`);

    await expect.poll(() => page.locator('h1').innerText()).toBe('Code execution gateway');
    expect(await page.locator('.operation h2').allInnerTexts()).toEqual([
      'GET /api/execute/languages',
      'POST /api/execute',
    ]);
    const execute = page.locator('.operation').nth(1);
    expect(await execute.locator('.schema dt').allInnerTexts()).toEqual([
      'language string, required',
      'code string',
      'args array of string',
    ]);
    expect(await execute.locator('.responses').innerText()).toContain('Headers: Retry-After');

    await execute.locator('summary', { hasText: 'Try it' }).click();
    await execute.locator('button', { hasText: 'Send POST /api/execute' }).click();
    await expect
      .poll(() => execute.locator('.answer').innerText())
      .toMatch(/^HTTP 200\n\n\{\n {2}"success": true/);

    const results = await new AxeBuilder({ page }).analyze();
    const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(bad.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    expect(watch.consoleErrors).toEqual([]);
    expect(watch.offsite).toEqual([]);
  });

  it("when the reference page loads the gateway's own /openapi.json, then every operation renders without errors", async () => {
    const { newPage, watch } = await watchedContext(browser);
    const page = await newPage();
    const document = (await (await fetch(`${gateway.url}/openapi.json`)).json()) as {
      info: { title: string };
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => ['get', 'put', 'post', 'delete', 'patch'].includes(key))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    await page.goto(`${gateway.url}/docs`);

    await expect.poll(() => page.locator('h1').innerText()).toBe(document.info.title);
    expect((await page.locator('.operation h2').allInnerTexts()).sort()).toEqual(operations.sort());
    expect(operations).toContain('POST /api/execute');
    expect(await page.locator('.notice').count()).toBe(0);

    const results = await new AxeBuilder({ page }).analyze();
    const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(bad.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    expect(await watch.cspViolations()).toEqual([]);
    expect(watch.consoleErrors).toEqual([]);
    expect(watch.offsite).toEqual([]);
  });

  it('when the gateway has no OpenAPI document, then the reference page says so instead of breaking', async () => {
    const { context, newPage, watch } = await watchedContext(browser);
    // A gateway without the document answers its 404 (this one has it, so the route stands in).
    await context.route('**/openapi.json', (route) =>
      route.fulfill({ status: 404, json: { error: 'Not found', code: 'not_found' } }),
    );
    const page = await newPage();
    await page.goto(`${gateway.url}/docs`);

    await expect
      .poll(() => page.locator('.notice').innerText())
      .toMatch(/does not publish an OpenAPI document/);
    // The one error is Chromium's line for the 404 itself.
    expect(watch.consoleErrors).toEqual([
      'Failed to load resource: the server responded with a status of 404 (Not Found)',
    ]);
    expect(await watch.cspViolations()).toEqual([]);
  });
});
