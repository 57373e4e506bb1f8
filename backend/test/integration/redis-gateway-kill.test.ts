import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { useTestApps } from '../support/build-test-app.js';
import { startFakePiston, type FakePiston } from '../support/fake-piston-server.js';
import { GATEWAY_START_MS, useGatewayProcesses } from '../support/gateway-process.js';
import { exchange } from '../support/http-exchange.js';
import { waitFor } from '../support/wait-for.js';
import {
  startWebhookReceiver,
  TEST_WEBHOOK_SECRET,
  type WebhookReceiver,
} from '../support/webhook-receiver.js';
import { testRedisUrl } from '../support/redis-server.js';

const REDIS_URL = testRedisUrl('Gateway kill tests');

const PY = 71;
/** A killed instance's job is taken over within about twice this (docs/submissions-redis.md). */
const LOCK_MS = 1000;
const TAKEOVER_MS = 4 * LOCK_MS + 5_000;

const startGateway = useGatewayProcesses();
const app = useTestApps();
const fakes: FakePiston[] = [];
const receivers: WebhookReceiver[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

/** Settings every instance of one test shares: the same Redis and key prefix, fast takeover. */
function sharedEnv(): Record<string, string> {
  return {
    REDIS_URL: REDIS_URL!,
    REDIS_KEY_PREFIX: `test:${randomUUID()}:`,
    SUBMISSION_LOCK_MS: String(LOCK_MS),
    MAX_CONCURRENT_EXECUTIONS: '4',
    MAX_ASYNC_EXECUTIONS: '2',
    PISTON_TIMEOUT_MS: '20000',
    WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    WEBHOOK_ALLOW_PRIVATE: 'true',
  };
}

/** A fake Piston that takes execute calls but answers none until released. */
async function heldPiston(stdoutByProgram: Record<string, string> = {}): Promise<FakePiston> {
  const fake = await startFakePiston({ stdoutByProgram });
  fakes.push(fake);
  fake.hold();
  return fake;
}

async function receiver(): Promise<WebhookReceiver> {
  const started = await startWebhookReceiver();
  receivers.push(started);
  return started;
}

async function submit(port: number, body: object): Promise<string> {
  const res = await exchange(port, {
    path: '/judge0/submissions',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(201);
  return (JSON.parse(res.body) as { token: string }).token;
}

interface Listed {
  token: string;
  stdout: string | null;
  status: { id: number };
}

/** `GET /judge0/submissions/batch` through the gateway on `port`. */
async function list(port: number, tokens: string[]): Promise<Listed[]> {
  const res = await exchange(port, {
    method: 'GET',
    path: `/judge0/submissions/batch?tokens=${tokens.join(',')}&fields=token,stdout,status`,
  });
  expect(res.status).toBe(200);
  return (JSON.parse(res.body) as { submissions: Listed[] }).submissions;
}

const programs = (fake: FakePiston) =>
  fake
    .executeCalls()
    .map((call) => (call.body as { files: { content: string }[] }).files[0]?.content);

describe.skipIf(!REDIS_URL)('two gateway processes on one Redis, one killed', () => {
  it(
    'when the gateway running submissions is SIGKILLed with more queued, then the other finishes every one and calls back, signed',
    async () => {
      const sources = Array.from({ length: 8 }, (_, i) => `print(${i})`);
      const outputs = Object.fromEntries(sources.map((source, i) => [source, `${i}\n`]));
      const [pistonA, pistonB, callbacks] = await Promise.all([
        heldPiston(outputs),
        heldPiston(outputs),
        receiver(),
      ]);
      const env = sharedEnv();
      const [a, b] = await Promise.all([
        startGateway({ ...env, PISTON_URL: pistonA.url }),
        startGateway({ ...env, PISTON_URL: pistonB.url }),
      ]);

      const tokens: string[] = [];
      for (const source of sources) {
        tokens.push(
          await submit(a.port, {
            source_code: source,
            language_id: PY,
            callback_url: callbacks.url,
          }),
        );
      }
      // Each instance runs MAX_ASYNC_EXECUTIONS (2) at once; its Piston holds them: 4 wait.
      await waitFor(
        () =>
          Promise.resolve(
            pistonA.executeCalls().length === 2 && pistonB.executeCalls().length === 2,
          ),
        { timeoutMs: 10_000, message: 'the instances did not take two submissions each' },
      );
      const before = await list(a.port, tokens);
      await a.kill();
      pistonB.release();

      expect(before.map((s) => s.status.id).sort()).toEqual([1, 1, 1, 1, 2, 2, 2, 2]);
      await waitFor(async () => (await list(b.port, tokens)).every((s) => s.status.id > 2), {
        timeoutMs: TAKEOVER_MS,
        message: 'the surviving instance did not finish every submission',
      });
      const after = await list(b.port, tokens);
      expect(after.map((s) => [s.status.id, s.stdout])).toEqual(
        sources.map((_, i) => [3, `${i}\n`]),
      );
      // What was running on A when it died ran again on B, from the start.
      expect(programs(pistonB)).toEqual(expect.arrayContaining(programs(pistonA)));
      expect(pistonB.executeCalls()).toHaveLength(8);
      await waitFor(() => Promise.resolve(callbacks.received.length === 8));
      expect(callbacks.received.every((r) => r.verified && r.method === 'PUT')).toBe(true);
      expect(callbacks.received.map((r) => r.headers['webhook-id']).sort()).toEqual(
        tokens.map((token) => `msg_${token}`).sort(),
      );
    },
    GATEWAY_START_MS + 2 * TAKEOVER_MS,
  );

  it(
    'when the gateway that took over a submission is killed too, then it ends as 13 Internal Error and its callback is sent',
    async () => {
      const [pistonA, pistonB, callbacks] = await Promise.all([
        heldPiston(),
        heldPiston(),
        receiver(),
      ]);
      const env = sharedEnv();
      const gateways = await Promise.all([
        startGateway({ ...env, PISTON_URL: pistonA.url }),
        startGateway({ ...env, PISTON_URL: pistonB.url }),
      ]);
      const token = await submit(gateways[0].port, {
        source_code: 'print(1)',
        language_id: PY,
        callback_url: callbacks.url,
      });
      const took = async (fake: FakePiston) => {
        await waitFor(() => Promise.resolve(fake.executeCalls().length === 1), {
          timeoutMs: TAKEOVER_MS,
        });
      };
      await Promise.race([took(pistonA), took(pistonB)]);
      const [first, second] =
        pistonA.executeCalls().length === 1 ? gateways : [gateways[1], gateways[0]];
      await first.kill();
      await took(first === gateways[0] ? pistonB : pistonA);
      await second.kill();

      // A third instance (in this process) finds the job stalled a second time: maxStalledCount 1.
      const survivor = await app(env);
      await waitFor(
        async () => {
          const res = await request(survivor.app).get(`/judge0/submissions/${token}`);
          return (res.body as Listed).status.id > 2;
        },
        { timeoutMs: TAKEOVER_MS },
      );
      const res = await request(survivor.app).get(
        `/judge0/submissions/${token}?fields=status,message`,
      );
      expect(res.body).toEqual({
        status: { id: 13, description: 'Internal Error' },
        message:
          'The gateway instance running this submission stopped, and so did the one that took it over',
      });
      await waitFor(() => Promise.resolve(callbacks.received.length === 1));
      expect(callbacks.received[0]).toMatchObject({
        verified: true,
        payload: { token, status: { id: 13 } },
      });
    },
    GATEWAY_START_MS + 3 * TAKEOVER_MS,
  );
});
