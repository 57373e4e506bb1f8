import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SubmissionQueueFullError } from '../../src/errors.js';
import {
  createRedisSubmissions,
  type RedisSubmissions,
  type RedisSubmissionsOptions,
} from '../../src/submissions/redis-submissions.js';
import { finishedSubmission, testCallbackBody } from '../support/fake-submission-store.js';
import { waitFor } from '../support/wait-for.js';
import {
  startWebhookReceiver,
  TEST_WEBHOOK_SECRET,
  type WebhookReceiver,
} from '../support/webhook-receiver.js';
import { testRedisUrl } from '../support/redis-server.js';

const REDIS_URL = testRedisUrl('Redis submission tests');

const FAST_RETRIES = { firstRetryMs: 20, factor: 3, maxDelayMs: 10_000 };

let opened: RedisSubmissions[] = [];
afterEach(async () => {
  await Promise.all(opened.map((s) => s.close()));
  opened = [];
});

/** One gateway instance's Redis mode; instances with the same prefix share everything. */
function instance(prefix: string, overrides: Partial<RedisSubmissionsOptions> = {}) {
  const submissions = createRedisSubmissions({
    url: REDIS_URL!,
    config: {
      REDIS_KEY_PREFIX: prefix,
      SUBMISSION_TTL_MS: 60_000,
      SUBMISSION_LOCK_MS: 1_000,
      MAX_SUBMISSION_QUEUE: 3,
      WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      WEBHOOK_MAX_ATTEMPTS: 3,
      WEBHOOK_ALLOW_PRIVATE: true,
    },
    logger: pino({ level: 'silent' }),
    body: testCallbackBody,
    tuning: { schedule: FAST_RETRIES },
    ...overrides,
  });
  opened.push(submissions);
  return submissions;
}

const queued = (token: string, callbackUrl: string | null = null) => ({
  ...finishedSubmission(token, callbackUrl),
  state: 'queued' as const,
  startedAt: null,
  finishedAt: null,
  result: null,
});

describe.skipIf(!REDIS_URL)('Redis submission store', () => {
  it('when one instance stores a submission, then another reads, updates and lists it', async () => {
    const prefix = `test:${randomUUID()}:`;
    const a = instance(prefix);
    const b = instance(prefix);
    const token = randomUUID();
    await a.store.put(queued(token));

    expect((await b.store.get(token))?.state).toBe('queued');
    const updated = await b.store.update(token, { state: 'processing', startedAt: 'x' });
    expect(updated).toMatchObject({ token, state: 'processing', startedAt: 'x', callback: null });
    expect(await a.store.getMany([token, 'nope'])).toEqual([updated, undefined]);
  });

  it('when a submission is stored, then it expires after SUBMISSION_TTL_MS', async () => {
    const prefix = `test:${randomUUID()}:`;
    const token = randomUUID();
    await instance(prefix).store.put(queued(token));
    const redis = new Redis(REDIS_URL!);
    const ttl = await redis.pttl(`${prefix}sub:${token}`);
    await redis.quit();
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('when an unknown or expired token is updated, then nothing is created', async () => {
    const prefix = `test:${randomUUID()}:`;
    const s = instance(prefix);
    expect(await s.store.update('gone', { state: 'finished' })).toBeUndefined();
    expect(await s.store.get('gone')).toBeUndefined();
  });
});

describe.skipIf(!REDIS_URL)('BullMQ submission queue', () => {
  it('when one instance queues a submission, then a worker on another instance runs it', async () => {
    const prefix = `test:${randomUUID()}:`;
    const a = instance(prefix);
    const b = instance(prefix);
    const ran: string[] = [];
    b.queue.process((token) => {
      ran.push(token);
      return Promise.resolve();
    }, 2);
    const token = randomUUID();
    await a.store.put(queued(token));
    await a.queue.add(token);
    await waitFor(() => Promise.resolve(ran.includes(token)));
    expect(ran).toEqual([token]);
  });

  it('when MAX_SUBMISSION_QUEUE submissions wait, then the next is refused with queue_full (503)', async () => {
    const prefix = `test:${randomUUID()}:`;
    const a = instance(prefix);
    for (let i = 0; i < 3; i += 1) await a.queue.add(randomUUID());
    expect(await a.queue.waiting()).toBe(3);
    const refused = await a.queue.add(randomUUID()).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SubmissionQueueFullError);
    expect((refused as SubmissionQueueFullError).statusCode).toBe(503);
  });

  it('when a handler throws, then the submission is marked Internal Error', async () => {
    const prefix = `test:${randomUUID()}:`;
    const a = instance(prefix);
    a.queue.process(() => Promise.reject(new Error('boom')), 1);
    const token = randomUUID();
    await a.store.put(queued(token));
    await a.queue.add(token);
    await waitFor(async () => (await a.store.get(token))?.state === 'finished');
    const finished = await a.store.get(token);
    expect(finished?.result).toMatchObject({
      statusId: 13,
      message: 'The submission could not be run',
    });
  });
});

describe.skipIf(!REDIS_URL)('callbacks on BullMQ', () => {
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });
  afterAll(() => receiver.close());

  it('when the receiver fails once, then the retry (a delayed job) delivers, signed, with one id', async () => {
    receiver.reset();
    receiver.script({ status: 500 });
    const registry = new Registry();
    const a = instance(`test:${randomUUID()}:`);
    a.registerMetrics(registry);
    const token = randomUUID();
    const submission = finishedSubmission(token, receiver.url);
    await a.store.put(submission);
    await a.delivery.deliver(submission);

    await waitFor(async () => (await a.store.get(token))?.callback?.delivered === true);
    expect((await a.store.get(token))?.callback).toEqual({
      attempts: 2,
      lastStatus: 200,
      delivered: true,
    });
    expect(receiver.received.map((r) => [r.headers['webhook-id'], r.verified])).toEqual([
      [`msg_${token}`, true],
      [`msg_${token}`, true],
    ]);
    const metrics = await registry.getMetricsAsJSON();
    const attempts = metrics.find((m) => m.name === 'gateway_webhook_attempts_total');
    expect(attempts?.values.find((v) => v.labels.result === '5xx')?.value).toBe(1);
  });

  it('when the instance that scheduled a retry stops, then another instance makes the retry', async () => {
    receiver.reset();
    receiver.script({ status: 429, headers: { 'retry-after': '2' } });
    const prefix = `test:${randomUUID()}:`;
    const a = instance(prefix);
    const token = randomUUID();
    const submission = finishedSubmission(token, receiver.url);
    await a.store.put(submission);
    await a.delivery.deliver(submission);
    await waitFor(async () => (await a.store.get(token))?.callback?.attempts === 1);
    await a.close();
    opened = opened.filter((s) => s !== a);

    const b = instance(prefix);
    await waitFor(async () => (await b.store.get(token))?.callback?.delivered === true, {
      timeoutMs: 15_000,
    });
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]?.verified).toBe(true);
  });
});
