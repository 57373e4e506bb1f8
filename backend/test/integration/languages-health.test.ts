import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { LanguagesResponseSchema } from '../../src/schemas/execute-response.js';
import { useTestApps } from '../support/build-test-app.js';

const app = useTestApps();

describe('GET /api/execute/languages', () => {
  it('when asked, then it lists one sorted entry per installed version with aliases', async () => {
    const { app: gateway, fake } = await app();
    fake.runtimes.push({ language: 'python', version: '3.12.0', aliases: ['py'] });

    const res = await request(gateway).get('/api/execute/languages');

    expect(res.status).toBe(200);
    expect(LanguagesResponseSchema.safeParse(res.body).success).toBe(true);
    const entries = res.body.languages.map(
      (l: { language: string; version: string }) => `${l.language}@${l.version}`,
    );
    expect(entries).toEqual([
      'bash@5.2.15',
      'c@12.2.0',
      'c++@12.2.0',
      'java@17.0.15',
      'javascript@20.20.2',
      'python@3.12.0',
      'python@3.11.2',
      'sqlite3@3.40.1',
    ]);
    // The fields clients read before the editor fields came keep their names and values.
    expect(res.body.languages[1]).toMatchObject({
      language: 'c',
      version: '12.2.0',
      aliases: ['gcc'],
    });
  });

  it('when asked, then each entry carries what an editor needs: name, extension, ids, template', async () => {
    const { app: gateway } = await app();

    const res = await request(gateway).get('/api/execute/languages');

    const cpp = (res.body.languages as { language: string }[]).find((l) => l.language === 'c++');
    expect(cpp).toMatchObject({
      displayName: 'C++',
      extension: 'cpp',
      editor: { codemirror: 'cpp', monaco: 'cpp' },
    });
    expect(cpp).toHaveProperty('template', expect.stringContaining('Hello, World!'));
  });

  it("when the gateway accepts more names than Piston's aliases, then the list says so, and each name runs", async () => {
    const { app: gateway } = await app();

    const res = await request(gateway).get('/api/execute/languages');
    const aliases = Object.fromEntries(
      (res.body.languages as { language: string; aliases: string[] }[]).map((l) => [
        l.language,
        l.aliases,
      ]),
    );

    expect(aliases.javascript).toEqual([
      'node-javascript',
      'node-js',
      'js',
      'node',
      'nodejs',
      'node.js',
    ]);
    expect(aliases['c++']).toEqual(['cpp', 'g++', 'cxx']);
    expect(aliases.bash).toEqual(['sh', 'shell']);
    for (const [language, names] of Object.entries(aliases)) {
      for (const name of names) {
        const run = await request(gateway)
          .post('/api/execute')
          .send({ language: name, code: 'print(1)' });
        expect({ name, language: run.body.language }).toEqual({ name, language });
      }
    }
  });

  it('when the client revalidates with If-None-Match, then it is a 304 without a body', async () => {
    const { app: gateway } = await app();

    const first = await request(gateway).get('/api/execute/languages');
    const second = await request(gateway)
      .get('/api/execute/languages')
      .set('If-None-Match', first.headers.etag as string);

    expect(first.headers.etag).toMatch(/^W\/"[\w-]+"$/);
    expect(first.headers['cache-control']).toContain('max-age=');
    expect(second.status).toBe(304);
    expect(second.text).toBe('');
  });

  it("when If-None-Match comes with a browser's Cache-Control: no-cache, then it is still a 304", async () => {
    // RFC 9110 §13.1.2: the origin answers 304 whenever If-None-Match matches; fetch() adds
    // no-cache to every request that carries a conditional header of its own.
    const { app: gateway } = await app();
    const etag = (await request(gateway).get('/api/execute/languages')).headers.etag as string;

    const revalidate = (ifNoneMatch: string) =>
      request(gateway)
        .get('/api/execute/languages')
        .set('If-None-Match', ifNoneMatch)
        .set('Cache-Control', 'no-cache')
        .set('Pragma', 'no-cache');

    for (const ifNoneMatch of [etag, etag.slice(2), `"other", ${etag}`, '*']) {
      const res = await revalidate(ifNoneMatch);
      expect(res.status, ifNoneMatch).toBe(304);
      expect(res.headers.etag).toBe(etag);
    }
    expect((await revalidate('"other"')).status).toBe(200);
  });

  it('when the list is sent gzipped, then its validator is the same weak ETag and revalidates', async () => {
    const { app: gateway, fake, runtimes } = await app();
    for (let i = 0; i < 40; i += 1) {
      fake.runtimes.push({ language: `lang${i}`, version: '1.0.0', aliases: [`l${i}`] });
    }
    await runtimes.refresh();

    const plain = await request(gateway)
      .get('/api/execute/languages')
      .set('Accept-Encoding', 'identity');
    const gzipped = await request(gateway)
      .get('/api/execute/languages')
      .set('Accept-Encoding', 'gzip');
    const again = await request(gateway)
      .get('/api/execute/languages')
      .set('Accept-Encoding', 'identity')
      .set('If-None-Match', gzipped.headers.etag as string);

    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(gzipped.headers.etag).toBe(plain.headers.etag);
    expect(gzipped.headers.etag).toMatch(/^W\//);
    expect(again.status).toBe(304);
  });

  it('when the runtime list changes, then the ETag changes', async () => {
    const { app: gateway, fake, runtimes } = await app();
    const first = await request(gateway).get('/api/execute/languages');
    fake.runtimes.push({ language: 'ruby', version: '3.0.1', aliases: [] });
    await runtimes.refresh();

    const second = await request(gateway)
      .get('/api/execute/languages')
      .set('If-None-Match', first.headers.etag as string);

    expect(second.status).toBe(200);
    expect(second.headers.etag).not.toBe(first.headers.etag);
  });

  it('when Piston is down and nothing is cached, then it is a 503', async () => {
    const { app: gateway, fake } = await app();
    await fake.close();

    const res = await request(gateway).get('/api/execute/languages');

    expect(res.status).toBe(503);
    expect(res.body.code).toBe('upstream_unavailable');
  });
});

describe('GET /health', () => {
  it('when Piston answered, then it reports up with the runtime count', async () => {
    const { app: gateway, runtimes } = await app();
    await runtimes.refresh();

    const res = await request(gateway).get('/health');

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'OK',
      message: expect.any(String),
      uptimeSeconds: expect.any(Number),
      piston: { status: 'up', runtimes: 7, version: '3.1.1' },
      executions: { inFlight: 0, queued: 0, maxConcurrent: 8, maxQueue: 32 },
    });
    expect(new Date(res.body.timestamp).toString()).not.toBe('Invalid Date');
    // Without REDIS_URL there is no shared state to report.
    expect(res.body).not.toHaveProperty('redis');
  });

  it('when hit many times, then Piston is asked at most once per probe interval', async () => {
    const { app: gateway, fake, runtimes } = await app();
    await runtimes.refresh();

    await Promise.all(Array.from({ length: 30 }, () => request(gateway).get('/health')));

    expect(fake.runtimeCalls()).toHaveLength(1);
  });

  it('when Piston is down, then /health is still 200 and reports down', async () => {
    const { app: gateway, fake, runtimes } = await app();
    await fake.close();
    await runtimes.refresh().catch(() => undefined);

    const res = await request(gateway).get('/health');

    expect(res.status).toBe(200);
    expect(res.body.piston).toEqual({ status: 'down', runtimes: 0, version: null });
  });

  it('when the last probe is older than the interval, then /health refreshes in the background', async () => {
    let clock = Date.now();
    const {
      app: gateway,
      fake,
      runtimes,
    } = await app({}, {}, { health: { now: () => clock, probeIntervalMs: 10_000 } });
    await runtimes.refresh();
    clock += 20_000;

    const res = await request(gateway).get('/health');
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(res.status).toBe(200);
    expect(fake.runtimeCalls()).toHaveLength(2);
  });
});

describe('GET /health/ready', () => {
  it('when Piston answers with runtimes, then it is 200', async () => {
    const { app: gateway } = await app();

    const res = await request(gateway).get('/health/ready');

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'ready',
      piston: { status: 'up', runtimes: 7, version: '3.1.1' },
    });
  });

  it('when Piston has no runtimes, then it is 503', async () => {
    const { app: gateway, fake } = await app();
    fake.runtimes.length = 0;

    const res = await request(gateway).get('/health/ready');

    expect(res.status).toBe(503);
    expect(res.body.code).toBe('upstream_unavailable');
    expect(res.body.details[0].message).toMatch(/no runtimes/);
  });

  it('when Piston is down, then it is 503 with Retry-After, and probing it logs no error', async () => {
    const { app: gateway, fake, logs } = await app();
    await fake.close();

    const res = await request(gateway).get('/health/ready');
    await request(gateway).get('/health/ready');

    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBeDefined();
    expect(res.body).toMatchObject({
      code: 'upstream_unavailable',
      requestId: res.headers['x-request-id'],
    });
    const levels = logs.map((line) => (JSON.parse(line) as { level: number }).level);
    expect(levels.filter((level) => level >= 50)).toEqual([]);
  });
});
