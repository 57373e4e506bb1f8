import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { judge0CallbackBody } from '../../src/compat/judge0/submission-view.js';
import { createMemorySubmissionQueue } from '../../src/submissions/memory-queue.js';
import { createMemorySubmissionStore } from '../../src/submissions/memory-store.js';
import type { CallbackDelivery, Submission, SubmissionStore } from '../../src/submissions/types.js';
import { useTestApps } from '../support/build-test-app.js';
import { finishedSubmission } from '../support/judge0.js';
import { waitFor } from '../support/wait-for.js';

const app = useTestApps();

/** In-memory store and queue, as the gateway builds them without Redis. */
function memoryParts() {
  return {
    store: createMemorySubmissionStore({ maxStored: 100 }),
    queue: createMemorySubmissionQueue({ maxQueued: 100 }),
  };
}

/** A delivery that records what it was handed and writes an outcome, as a real one would. */
function recordingDelivery() {
  const delivered: Submission[] = [];
  let closed = false;
  const parts = memoryParts();
  const build = (store: SubmissionStore): CallbackDelivery => ({
    async deliver(submission) {
      delivered.push(submission);
      await store.update(submission.token, {
        callback: { attempts: 1, lastStatus: 204, delivered: true },
      });
    },
    close() {
      closed = true;
      return Promise.resolve();
    },
  });
  const backend = { ...parts, delivery: build(parts.store) };
  return { backend, delivered, isClosed: () => closed };
}

describe('callbacks of /judge0 submissions', () => {
  it('when no delivery is configured, then a callback_url is refused as Judge0 refuses it, and config_info says so', async () => {
    const t = await app({}, {}, { submissions: memoryParts() });
    const res = await request(t.app)
      .post('/judge0/submissions')
      .send({ source_code: 'print(1)', language_id: 71, callback_url: 'https://example.com/cb' });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ callback_url: ['setting callback is not allowed'] });
    const info = await request(t.app).get('/judge0/config_info');
    expect((info.body as { enable_callbacks: boolean }).enable_callbacks).toBe(false);
  });

  it('when a submission with callback_url finishes, then the delivery gets it finished, and fields=callback shows the outcome', async () => {
    const delivery = recordingDelivery();
    const t = await app(
      {},
      { stdoutByProgram: { 'print(1)': '1\n' } },
      { submissions: delivery.backend },
    );
    const res = await request(t.app)
      .post('/judge0/submissions')
      .send({ source_code: 'print(1)', language_id: 71, callback_url: 'https://example.com/cb' });
    expect(res.status).toBe(201);
    const token = (res.body as { token: string }).token;
    await finishedSubmission(t.app, token);
    await waitFor(() => Promise.resolve(delivery.delivered.length === 1));
    const handed = delivery.delivered[0] as Submission;
    expect(handed).toMatchObject({
      token,
      state: 'finished',
      callbackUrl: 'https://example.com/cb',
    });
    // Judge0 PUTs its default fields, base64-encoded (isolate_job.rb).
    expect(judge0CallbackBody(handed)).toEqual({
      token,
      time: '0.001',
      memory: 1,
      stdout: 'MQo=\n',
      stderr: null,
      compile_output: null,
      message: null,
      status: { id: 3, description: 'Accepted' },
    });
    await waitFor(async () => {
      const read = await request(t.app).get(`/judge0/submissions/${token}?fields=callback`);
      return (read.body as { callback: unknown }).callback !== null;
    });
    const read = await request(t.app).get(`/judge0/submissions/${token}?fields=token,callback`);
    expect(read.body).toEqual({
      token,
      callback: { attempts: 1, lastStatus: 204, delivered: true },
    });
    await t.close();
    expect(delivery.isClosed()).toBe(true);
  });

  it('when callback_url is not http(s), then it is a 422 naming it', async () => {
    const t = await app({}, {}, { submissions: recordingDelivery().backend });
    const res = await request(t.app)
      .post('/judge0/submissions')
      .send({ source_code: 'print(1)', language_id: 71, callback_url: 'ftp://example.com/x' });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ callback_url: ['must be an http or https URL'] });
  });

  it('when a submission has no callback_url, then nothing is delivered', async () => {
    const delivery = recordingDelivery();
    const t = await app({}, {}, { submissions: delivery.backend });
    const res = await request(t.app)
      .post('/judge0/submissions')
      .send({ source_code: 'print(2)', language_id: 71 });
    await finishedSubmission(t.app, (res.body as { token: string }).token);
    expect(delivery.delivered).toHaveLength(0);
  });
});
