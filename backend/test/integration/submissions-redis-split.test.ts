import { Redis } from 'ioredis';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestApps, type TestApp } from '../support/build-test-app.js';
import { finishedSubmission } from '../support/judge0.js';
import { HAS_REDIS_SERVER, useRedisServers } from '../support/redis-server.js';
import { waitFor } from '../support/wait-for.js';

if (!HAS_REDIS_SERVER) {
  console.log('Submissions Redis tests skipped: no redis-server binary on PATH');
}

const app = useTestApps();
const startRedis = useRedisServers();
const PROGRAM = { source_code: 'print(1)', language_id: 71 };
/** As docker-compose.yml runs the rate-limit Redis, and the queue's. */
const CACHE_POLICY = ['--maxmemory', '64mb', '--maxmemory-policy', 'allkeys-lru'];
const QUEUE_POLICY = ['--maxmemory', '64mb', '--maxmemory-policy', 'noeviction'];

/** The gateway's log lines that warn about a Redis's eviction policy, once it is connected. */
async function policyWarnings(t: TestApp): Promise<string[]> {
  // The checks run once each connection is ready; a submission has used both by then.
  const res = await request(t.app).post('/judge0/submissions').send(PROGRAM);
  expect(res.status).toBe(201);
  await finishedSubmission(t.app, (res.body as { token: string }).token);
  return t.logs.filter((line) => /maxmemory-policy|noeviction/.test(line));
}

async function keys(url: string): Promise<string[]> {
  const redis = new Redis(url);
  try {
    return await redis.keys('*');
  } finally {
    redis.disconnect();
  }
}

describe.skipIf(!HAS_REDIS_SERVER)('the submissions Redis (SUBMISSIONS_REDIS_URL)', () => {
  it('when it evicts keys (allkeys-lru), then a warning at start-up says the queue needs noeviction', async () => {
    const redis = await startRedis(CACHE_POLICY);
    const t = await app({ SUBMISSIONS_REDIS_URL: redis.url });

    await waitFor(async () => (await policyWarnings(t)).length > 0);
    const [warning] = await policyWarnings(t);
    expect(warning).toContain(
      "The submissions' Redis (SUBMISSIONS_REDIS_URL) evicts keys when full (maxmemory-policy allkeys-lru)",
    );
    expect(warning).toContain('"level":40');
  });

  it('when one Redis (REDIS_URL) serves both and evicts keys, then the warning points to SUBMISSIONS_REDIS_URL', async () => {
    const redis = await startRedis(CACHE_POLICY);
    const t = await app({ REDIS_URL: redis.url });

    await waitFor(async () => (await policyWarnings(t)).length > 0);
    expect(await policyWarnings(t)).toEqual([
      expect.stringContaining(
        'give the queue a Redis of its own with maxmemory-policy noeviction (SUBMISSIONS_REDIS_URL)',
      ),
    ]);
  });

  it('when the queue has a noeviction Redis and the rate limits an allkeys-lru one, then nothing is warned, and each holds its own keys', async () => {
    const [cache, queue] = await Promise.all([startRedis(CACHE_POLICY), startRedis(QUEUE_POLICY)]);
    const t = await app({
      REDIS_URL: cache.url,
      SUBMISSIONS_REDIS_URL: queue.url,
      RESULT_CACHE_TTL_MS: '60000',
    });

    // Both checks have run once a submission went through both connections.
    expect(await policyWarnings(t)).toEqual([]);
    const [inCache, inQueue] = await Promise.all([keys(cache.url), keys(queue.url)]);
    expect(inQueue.some((key) => key.startsWith('gateway:sub:'))).toBe(true);
    expect(inQueue.some((key) => key.startsWith('gateway:bull:submissions:'))).toBe(true);
    expect(inCache.some((key) => key.startsWith('gateway:sub:') || key.includes(':bull:'))).toBe(
      false,
    );
    expect(inCache.length).toBeGreaterThan(0);
  });
});
