import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWeb } from '../../src/web/bundle-web.js';
import { createWebAssets } from '../../src/web/web-assets.js';
import { buildTestApp, useTestApps, type TestApp } from '../support/build-test-app.js';

const app = useTestApps();

/** The nonce a page's CSP allows for styles. */
function cspNonce(csp: string): string | undefined {
  return /'nonce-([^']+)'/.exec(csp)?.[1];
}

describe('GET / and GET /docs (the pages)', () => {
  it('when a page is served, then its CSP allows only its own origin and a per-response style nonce, which the page carries', async () => {
    const t = await app();
    for (const path of ['/', '/docs']) {
      const first = await request(t.app).get(path);
      const second = await request(t.app).get(path);

      expect(first.status).toBe(200);
      expect(first.headers['content-type']).toMatch(/^text\/html/);
      const csp = String(first.headers['content-security-policy']);
      expect(csp).toMatch(/^default-src 'self'; script-src 'self'; style-src 'self' 'nonce-/);
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      const nonce = cspNonce(csp);
      expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      expect(first.text).toContain(`<meta name="csp-nonce" nonce="${nonce!}">`);
      expect(cspNonce(String(second.headers['content-security-policy']))).not.toBe(nonce);
      expect(first.headers['cache-control']).toBe('no-store');
    }
  });

  it('when a page is served, then it has no inline script, style element or style attribute', async () => {
    const t = await app();
    for (const path of ['/', '/docs']) {
      const html = (await request(t.app).get(path)).text;
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attributes, body] of scripts) {
        expect(attributes).toMatch(/\bsrc="\/assets\/[a-z]+\.js"/);
        expect(body).toBe('');
      }
      expect(html).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=/i);
    }
  });

  it('when an API route answers, then it keeps its strict policy', async () => {
    const t = await app();
    const res = await request(t.app).get('/api/execute/languages');
    expect(res.headers['content-security-policy']).toBe(
      "default-src 'none';frame-ancestors 'none'",
    );
  });
});

describe('GET /embed.js and /assets/:file (the bundle)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('when /embed.js is fetched, then it is JavaScript that other origins may load, with a validator', async () => {
    const res = await request(t.app).get('/embed.js').set('Origin', 'https://teacher.example');

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.text).toContain('data-run');
    const again = await request(t.app)
      .get('/embed.js')
      .set('If-None-Match', String(res.headers.etag));
    expect(again.status).toBe(304);
  });

  it('when the page assets are fetched, then each has its media type and same-origin resource policy', async () => {
    for (const [name, type] of [
      ['playground.js', 'text/javascript; charset=utf-8'],
      ['playground.css', 'text/css; charset=utf-8'],
      ['docs.js', 'text/javascript; charset=utf-8'],
      ['docs.css', 'text/css; charset=utf-8'],
      ['favicon.svg', 'image/svg+xml'],
    ]) {
      const res = await request(t.app).get(`/assets/${name!}`);
      expect(res.status, name).toBe(200);
      expect(res.headers['content-type']).toBe(type);
      expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
      expect(res.headers['cache-control']).toBe('no-cache');
    }
  });

  it('when an asset name is unknown or not a plain file name, then the answer is 404 not_found', async () => {
    for (const path of [
      '/assets/nope.js',
      '/assets/..%2Fpackage.json',
      '/assets/.env',
      '/assets/embed.ts',
    ]) {
      const res = await request(t.app).get(path);
      expect(res.status, path).toBe(404);
      expect(res.body.code).toBe('not_found');
    }
  });

  it('when a page is asked with POST, then the answer is 405 naming GET', async () => {
    const res = await request(t.app).post('/');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });
});

describe('PLAYGROUND_ENABLED=false', () => {
  it('when the playground is off, then /, /docs, /embed.js and the assets answer 404 and the API still works', async () => {
    const t = await app({ PLAYGROUND_ENABLED: 'false' });
    for (const path of ['/', '/docs', '/embed.js', '/assets/playground.js']) {
      const res = await request(t.app).get(path);
      expect(res.status, path).toBe(404);
      expect(res.body.code).toBe('not_found');
    }
    expect((await request(t.app).get('/api/execute/languages')).status).toBe(200);
  });
});

describe('the built bundle (npm run build)', () => {
  it('when the bundle is written to a folder, then the gateway serves the files from there', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'web-bundle-'));
    try {
      await bundleWeb({ outdir: dir });
      const names = await readdir(dir);
      // The language modes are chunks the playground imports when a language is picked.
      expect(names.filter((name) => /^chunk-[A-Z0-9]+\.js$/.test(name)).length).toBeGreaterThan(5);
      expect(names.filter((name) => !name.startsWith('chunk-')).sort()).toEqual([
        'docs.css',
        'docs.js',
        'embed.js',
        'favicon.svg',
        'playground.css',
        'playground.js',
      ]);
      const assets = await createWebAssets({ dir })();
      expect(assets.get('embed.js')?.body.toString()).toContain('data-run');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
