import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestApps, type TestApp } from '../support/build-test-app.js';
import { loadFixture } from '../support/fixtures.js';
import { scrapeMetrics } from '../support/scrape-metrics.js';
import { waitFor } from '../support/wait-for.js';
import { testRedisUrl } from '../support/redis-server.js';

const REDIS_URL = testRedisUrl('Piston-compat Redis test');

const build = useTestApps();

async function instance(prefix: string): Promise<TestApp> {
  const t = await build({
    REDIS_URL: REDIS_URL!,
    REDIS_KEY_PREFIX: prefix,
    RESULT_CACHE_TTL_MS: '60000',
  });
  await waitFor(() => scrapeMetrics(t.app).then((text) => /^gateway_redis_up 1$/m.test(text)));
  return t;
}

describe.skipIf(!REDIS_URL)('the Piston-compatible API on the result cache in Redis', () => {
  it("when another instance ran the request, then the hit keeps Piston's message, status and timings", async () => {
    const prefix = `test:${randomUUID()}:`;
    const [a, b] = [await instance(prefix), await instance(prefix)];
    const body = JSON.stringify(loadFixture('python-timeout').request.body);
    const post = (t: TestApp, path: string, text: string) =>
      request(t.app).post(path).set('Content-Type', 'application/json').send(text);

    const first = await post(a, '/api/v2/execute', body);
    const hit = await post(b, '/api/v2/execute', body);

    expect(first.headers['x-cache']).toBe('MISS');
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.text).toBe(first.text);
    expect(hit.body.run).toMatchObject({
      status: 'TO',
      message: 'Time limit exceeded (wall clock)',
    });
    expect(a.fake.executeCalls().length + b.fake.executeCalls().length).toBe(1);
  });
});
