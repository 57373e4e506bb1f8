// A gateway's submission worker as a process of its own, for the kill test: it takes jobs from
// the BullMQ queue and never finishes them (a long Piston run), saying on stdout which it took.
import { pino } from 'pino';
import { createRedisSubmissions } from '../../src/submissions/redis-submissions.js';
import { testCallbackBody } from './fake-submission-store.js';

const redisUrl = process.env.REDIS_URL ?? '';
const submissions = createRedisSubmissions({
  config: {
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: process.env.REDIS_KEY_PREFIX ?? 'gateway:',
    SUBMISSION_TTL_MS: 60_000,
    MAX_SUBMISSION_QUEUE: 100,
    WEBHOOK_SECRET: undefined,
    WEBHOOK_MAX_ATTEMPTS: 3,
    WEBHOOK_ALLOW_PRIVATE: true,
  },
  logger: pino({ level: 'silent' }),
  body: testCallbackBody,
  tuning: { lockDurationMs: 1_000, stalledIntervalMs: 500 },
});
submissions.queue.process(async (token) => {
  await submissions.store.update(token, {
    state: 'processing',
    startedAt: new Date().toISOString(),
  });
  process.stdout.write(`taken ${token}\n`);
  await new Promise(() => undefined);
}, 4);
process.stdout.write('ready\n');
