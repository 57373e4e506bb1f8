import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCallbackAttempt } from '../../src/webhooks/callback-attempt.js';
import { createCallbackMetrics } from '../../src/webhooks/callback-metrics.js';
import { createCallbackSigner } from '../../src/webhooks/callback-signer.js';
import {
  createMemoryCallbackDelivery,
  type MemoryCallbackDelivery,
} from '../../src/webhooks/memory-callback-delivery.js';
import { createCallbackSender } from '../../src/webhooks/send-callback.js';
import {
  createFakeSubmissionStore,
  finishedSubmission,
  testCallbackBody,
} from '../support/fake-submission-store.js';
import { waitFor } from '../support/wait-for.js';
import {
  startWebhookReceiver,
  TEST_WEBHOOK_SECRET,
  type WebhookReceiver,
} from '../support/webhook-receiver.js';

const QUIET = { warn: () => undefined, info: () => undefined };
/** Fast retries for tests: 20 ms, 60 ms, ... */
const FAST = { firstRetryMs: 20, factor: 3, maxDelayMs: 5_000 };

describe('in-memory callback delivery', () => {
  let receiver: WebhookReceiver;
  let delivery: MemoryCallbackDelivery;
  let store: ReturnType<typeof createFakeSubmissionStore>;
  let registry: Registry;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });
  afterAll(() => receiver.close());
  beforeEach(() => {
    receiver.reset();
    store = createFakeSubmissionStore();
    registry = new Registry();
    delivery = createMemoryCallbackDelivery(
      createCallbackAttempt({
        store,
        body: testCallbackBody,
        signer: createCallbackSigner(TEST_WEBHOOK_SECRET),
        send: createCallbackSender({ allowPrivate: true, timeoutMs: 300 }),
        maxAttempts: 4,
        schedule: FAST,
        metrics: createCallbackMetrics(registry),
        logger: QUIET,
      }),
    );
  });
  afterEach(() => delivery.close());

  async function deliver(token: string) {
    const submission = finishedSubmission(token, receiver.url);
    await store.put(submission);
    await delivery.deliver(submission);
  }

  const outcome = async (token: string) => (await store.get(token))?.callback;
  const settled = async (token: string) => {
    await waitFor(async () => delivery.pending() === 0 && (await outcome(token)) !== null, {
      message: 'callback did not settle',
    });
    // Nothing further is scheduled once settled.
    return outcome(token);
  };
  const counter = async (name: string, label: string) => {
    const metric = await registry.getSingleMetric(name)?.get();
    return metric?.values.find((v) => Object.values(v.labels).includes(label))?.value;
  };

  it('when the receiver fails twice with 5xx, then the third attempt delivers, with one webhook-id', async () => {
    receiver.script({ status: 500 }, { status: 503 });
    await deliver('t1');
    await waitFor(async () => (await outcome('t1'))?.delivered === true);
    expect(await settled('t1')).toEqual({ attempts: 3, lastStatus: 200, delivered: true });
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id']))).toEqual(
      new Set(['msg_t1']),
    );
    expect(receiver.received.every((r) => r.verified)).toBe(true);
    expect(receiver.received[2]?.payload).toEqual({
      token: 't1',
      stdout: '1\n',
      status: { id: 3 },
    });
    expect(await counter('gateway_webhook_attempts_total', '5xx')).toBe(2);
    expect(await counter('gateway_webhook_deliveries_total', 'delivered')).toBe(1);
  });

  it('when the receiver always fails, then it is given up after WEBHOOK_MAX_ATTEMPTS', async () => {
    receiver.script(...Array.from({ length: 10 }, () => ({ status: 502 })));
    await deliver('t2');
    await waitFor(async () => (await outcome('t2'))?.attempts === 4);
    expect(await settled('t2')).toEqual({ attempts: 4, lastStatus: 502, delivered: false });
    expect(receiver.received).toHaveLength(4);
    expect(await counter('gateway_webhook_deliveries_total', 'exhausted')).toBe(1);
  });

  it('when the receiver answers 429 with Retry-After, then the next attempt waits that long', async () => {
    receiver.script({ status: 429, headers: { 'retry-after': '1' } });
    const started = Date.now();
    await deliver('t3');
    await waitFor(async () => (await outcome('t3'))?.delivered === true, { timeoutMs: 10_000 });
    // A lower bound only: a loaded machine can make it later, never earlier.
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(receiver.received).toHaveLength(2);
    expect(await counter('gateway_webhook_attempts_total', '429')).toBe(1);
  });

  it('when the receiver stalls, then the attempt times out and a retry delivers', async () => {
    receiver.script({ stall: true });
    await deliver('t4');
    await waitFor(async () => (await outcome('t4'))?.delivered === true);
    expect(await outcome('t4')).toEqual({ attempts: 2, lastStatus: 200, delivered: true });
    expect(await counter('gateway_webhook_attempts_total', 'timeout')).toBe(1);
  });

  it('when the receiver answers 404, then it is not retried', async () => {
    receiver.script({ status: 404 });
    await deliver('t5');
    expect(await settled('t5')).toEqual({ attempts: 1, lastStatus: 404, delivered: false });
    expect(await counter('gateway_webhook_deliveries_total', 'rejected')).toBe(1);
  });

  it('when a submission has no callback URL, then nothing is sent', async () => {
    const submission = finishedSubmission('t6', null);
    await store.put(submission);
    await delivery.deliver(submission);
    expect(delivery.pending()).toBe(0);
    expect((await store.get('t6'))?.callback).toBeNull();
  });

  it('when the delivery is closed, then waiting retries are cancelled', async () => {
    receiver.script({ status: 429, headers: { 'retry-after': '60' } });
    await deliver('t7');
    await waitFor(() => Promise.resolve(delivery.pending() === 1));
    await delivery.close();
    expect(delivery.pending()).toBe(0);
    expect(receiver.received).toHaveLength(1);
  });
});
