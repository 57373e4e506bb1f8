import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useTestApps } from '../support/build-test-app.js';
import { finishedSubmission } from '../support/judge0.js';
import { scrapeMetrics } from '../support/scrape-metrics.js';
import { waitFor } from '../support/wait-for.js';
import {
  startWebhookReceiver,
  TEST_WEBHOOK_SECRET,
  type WebhookReceiver,
} from '../support/webhook-receiver.js';
import { testRedisUrl } from '../support/redis-server.js';

const REDIS_URL = testRedisUrl('Redis-mode Judge0 tests');

const app = useTestApps();
const PY = 71;
const SIGNED = { WEBHOOK_SECRET: TEST_WEBHOOK_SECRET, WEBHOOK_ALLOW_PRIVATE: 'true' };
const b64 = (text: string) => Buffer.from(text).toString('base64');

let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(() => receiver.close());
beforeEach(() => receiver.reset());

async function submit(t: { app: Parameters<typeof request>[0] }, body: object) {
  const res = await request(t.app).post('/judge0/submissions').send(body);
  expect(res.status).toBe(201);
  return (res.body as { token: string }).token;
}

describe('Judge0 callbacks (in memory)', () => {
  it("when a submission with callback_url finishes, then Judge0's PUT arrives signed, and the outcome reads back", async () => {
    const t = await app(SIGNED, { stdoutByProgram: { 'print(1)': '1\n' } });
    const token = await submit(t, {
      source_code: 'print(1)',
      language_id: PY,
      callback_url: receiver.url,
    });
    await waitFor(() => Promise.resolve(receiver.received.length === 1));
    const [got] = receiver.received;
    expect(got).toMatchObject({ method: 'PUT', verified: true });
    expect(got?.headers['webhook-id']).toBe(`msg_${token}`);
    // Judge0's callback: its default fields, base64 (as isolate_job.rb sends them).
    expect(got?.payload).toMatchObject({
      token,
      stdout: `${b64('1\n')}\n`,
      status: { id: 3, description: 'Accepted' },
    });
    await waitFor(async () => {
      const res = await request(t.app).get(`/judge0/submissions/${token}?fields=token,callback`);
      return (res.body as { callback?: { delivered?: boolean } }).callback?.delivered === true;
    });
    const res = await request(t.app).get(`/judge0/submissions/${token}?fields=callback`);
    expect(res.body).toEqual({ callback: { attempts: 1, lastStatus: 200, delivered: true } });
    expect(await scrapeMetrics(t.app)).toMatch(
      /^gateway_webhook_deliveries_total\{outcome="delivered"\} 1$/m,
    );
  });

  it('when callback_url points at a private address without WEBHOOK_ALLOW_PRIVATE, then nothing is sent and the refusal reads back', async () => {
    const t = await app({ WEBHOOK_SECRET: TEST_WEBHOOK_SECRET });
    const token = await submit(t, {
      source_code: 'print(1)',
      language_id: PY,
      callback_url: receiver.url,
    });
    await waitFor(async () => {
      const res = await request(t.app).get(`/judge0/submissions/${token}?fields=callback`);
      return (res.body as { callback: unknown }).callback !== null;
    });
    const res = await request(t.app).get(`/judge0/submissions/${token}?fields=callback`);
    expect(res.body).toEqual({ callback: { attempts: 1, lastStatus: null, delivered: false } });
    expect(receiver.received).toHaveLength(0);
    expect(await scrapeMetrics(t.app)).toMatch(
      /^gateway_webhook_attempts_total\{result="refused"\} 1$/m,
    );
  });
});

describe.skipIf(!REDIS_URL)('Judge0 API on Redis: two gateway instances', () => {
  it('when one instance accepts a submission, then the other answers its token, and the callback arrives once', async () => {
    const env = { ...SIGNED, REDIS_URL: REDIS_URL!, REDIS_KEY_PREFIX: `test:${randomUUID()}:` };
    const fake = { stdoutByProgram: { 'print(7)': '7\n' } };
    const a = await app(env, fake);
    const b = await app(env, fake);
    const token = await submit(a, {
      source_code: 'print(7)',
      language_id: PY,
      callback_url: receiver.url,
    });
    const body = await finishedSubmission(b.app, token);
    expect(body).toMatchObject({ token, stdout: '7\n', status: { id: 3 } });
    await waitFor(() => Promise.resolve(receiver.received.length === 1));
    expect(receiver.received[0]?.verified).toBe(true);
    await waitFor(async () => {
      const res = await request(a.app).get(`/judge0/submissions/${token}?fields=callback`);
      return (res.body as { callback?: { delivered?: boolean } }).callback?.delivered === true;
    });
    expect(receiver.received).toHaveLength(1);
  });
});
