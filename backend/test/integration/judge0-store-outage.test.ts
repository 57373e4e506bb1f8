import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createMemorySubmissionQueue } from '../../src/submissions/memory-queue.js';
import type { SubmissionStore } from '../../src/submissions/types.js';
import { useTestApps } from '../support/build-test-app.js';
import { createFakeSubmissionStore } from '../support/fake-submission-store.js';
import { HAS_REDIS_SERVER, useRedisServers } from '../support/redis-server.js';

if (!HAS_REDIS_SERVER) {
  console.log('Submission store outage test skipped: no redis-server binary on PATH');
}

const app = useTestApps();
const startRedis = useRedisServers();
const PROGRAM = { source_code: 'print(1)', language_id: 71 };

/** What a client sees when the submissions' store fails: Judge0's 503, nothing of the cause. */
const UNAVAILABLE = {
  error: 'Submissions cannot be stored right now; try again shortly',
  code: 'queue_unavailable',
  requestId: expect.any(String) as unknown,
};

/** A store that fails like an unreachable Redis while `down` is set, or after `putsLeft` puts. */
function flakyStore() {
  const store = createFakeSubmissionStore();
  const state = { down: false, putsLeft: Infinity };
  const fail = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
  const flaky: SubmissionStore = {
    put: (submission) => {
      state.putsLeft -= 1;
      if (state.putsLeft < 0) state.down = true;
      return state.down ? fail() : store.put(submission);
    },
    get: (token) => (state.down ? fail() : store.get(token)),
    getMany: (tokens) => (state.down ? fail() : store.getMany(tokens)),
    update: (token, patch) => (state.down ? fail() : store.update(token, patch)),
    close: () => store.close(),
  };
  return { store: flaky, state };
}

describe('Judge0 submissions when their store fails', () => {
  it('when storing fails after the execution was charged, then 503 queue_unavailable, and the charge is given back', async () => {
    const { store, state } = flakyStore();
    const queue = createMemorySubmissionQueue({ maxQueued: 100 });
    const t = await app({ EXECUTE_RATE_LIMIT_MAX: '1' }, {}, { submissions: { store, queue } });

    state.down = true;
    const refused = await request(t.app).post('/judge0/submissions').send(PROGRAM);
    state.down = false;
    const accepted = await request(t.app).post('/judge0/submissions').send(PROGRAM);

    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.body).toEqual(UNAVAILABLE);
    expect(accepted.status).toBe(201);
  });

  it('when storing a batch fails, then 503 queue_unavailable, and every execution is given back', async () => {
    const { store, state } = flakyStore();
    const queue = createMemorySubmissionQueue({ maxQueued: 100 });
    const t = await app({ EXECUTE_RATE_LIMIT_MAX: '2' }, {}, { submissions: { store, queue } });
    const batch = { submissions: [PROGRAM, PROGRAM] };

    state.down = true;
    const refused = await request(t.app).post('/judge0/submissions/batch').send(batch);
    state.down = false;
    const accepted = await request(t.app).post('/judge0/submissions/batch').send(batch);

    expect(refused.status).toBe(503);
    expect(refused.body).toEqual(UNAVAILABLE);
    expect(accepted.status).toBe(201);
    expect(accepted.body).toEqual([{ token: expect.any(String) }, { token: expect.any(String) }]);
  });

  it('when storing fails half-way through a batch, then those stored keep their tokens, the rest say why, and only the stored are charged', async () => {
    const { store, state } = flakyStore();
    const queue = createMemorySubmissionQueue({ maxQueued: 100 });
    const t = await app({ EXECUTE_RATE_LIMIT_MAX: '3' }, {}, { submissions: { store, queue } });

    state.putsLeft = 1;
    const partly = await request(t.app)
      .post('/judge0/submissions/batch')
      .send({ submissions: [PROGRAM, PROGRAM, PROGRAM] });
    Object.assign(state, { down: false, putsLeft: Infinity });
    const rest = await request(t.app)
      .post('/judge0/submissions/batch')
      .send({ submissions: [PROGRAM, PROGRAM] });

    expect(partly.status).toBe(201);
    expect(partly.body).toEqual([
      { token: expect.any(String) },
      { error: UNAVAILABLE.error },
      { error: UNAVAILABLE.error },
    ]);
    expect(rest.status).toBe(201);
  });
});

describe.skipIf(!HAS_REDIS_SERVER)('Judge0 submissions when their Redis stops', () => {
  it('when the Redis stops while the gateway runs, then accepting and reading answer 503 queue_unavailable, never a 500 or Redis words', async () => {
    const redis = await startRedis();
    const t = await app({ REDIS_URL: redis.url });
    const first = await request(t.app).post('/judge0/submissions').send(PROGRAM);
    expect(first.status).toBe(201);
    const { token } = first.body as { token: string };

    await redis.stop();
    const refused = await request(t.app).post('/judge0/submissions').send(PROGRAM);
    const read = await request(t.app).get(`/judge0/submissions/${token}`);
    const batch = await request(t.app).get(`/judge0/submissions/batch?tokens=${token}`);

    for (const res of [refused, read, batch]) {
      expect(res.status).toBe(503);
      expect(res.body).toEqual(UNAVAILABLE);
    }
  }, 30_000);
});
