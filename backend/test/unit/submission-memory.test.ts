import { describe, expect, it } from 'vitest';
import { SubmissionQueueFullError } from '../../src/errors.js';
import { createMemorySubmissionQueue } from '../../src/submissions/memory-queue.js';
import { createMemorySubmissionStore } from '../../src/submissions/memory-store.js';
import { SubmissionSchema, type Submission } from '../../src/submissions/types.js';

function submission(token: string, state: Submission['state'] = 'queued'): Submission {
  return SubmissionSchema.parse({
    token,
    state,
    createdAt: '2024-01-01T12:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    request: { language: 'python', code: 'print(1)' },
    input: { language_id: 71 },
    result: null,
    callbackUrl: null,
    callback: null,
  });
}

describe('createMemorySubmissionStore', () => {
  it('when more than maxStored are kept, then the oldest finished go first and waiting ones stay', async () => {
    const store = createMemorySubmissionStore({ maxStored: 2 });
    await store.put(submission('a'));
    await store.put(submission('b'));
    await store.update('b', { state: 'finished' });
    await store.update('a', { state: 'finished' });
    await store.put(submission('c'));
    // b finished first, so it is dropped; a (finished later) and c (queued) stay.
    expect((await store.getMany(['a', 'b', 'c'])).map((s) => s?.token)).toEqual([
      'a',
      undefined,
      'c',
    ]);
    await store.put(submission('d'));
    await store.put(submission('e'));
    // Nothing finished is left but a; the queued ones are never dropped.
    expect((await store.getMany(['a', 'c', 'd', 'e'])).map((s) => s?.token)).toEqual([
      undefined,
      'c',
      'd',
      'e',
    ]);
  });

  it('when finished submissions pass maxBytes, then the oldest finished go until they fit, waiting ones stay', async () => {
    const big = (token: string, state: Submission['state']) => ({
      ...submission(token, state),
      request: { language: 'python', code: 'x'.repeat(10_000) },
    });
    const size = Buffer.byteLength(JSON.stringify(big('a', 'finished')));
    const store = createMemorySubmissionStore({ maxStored: 100, maxBytes: 3 * size });
    await store.put(big('a', 'finished'));
    await store.put(big('b', 'finished'));
    await store.put(big('c', 'queued'));
    // Three fit; a fourth drops the one that finished first.
    await store.put(big('d', 'queued'));
    expect((await store.getMany(['a', 'b', 'c', 'd'])).map((s) => s?.token)).toEqual([
      undefined,
      'b',
      'c',
      'd',
    ]);
    // Waiting ones are never dropped, even over the bound; b goes, and the store is over it.
    await store.put(big('e', 'queued'));
    expect((await store.getMany(['b', 'c', 'd', 'e'])).map((s) => s?.token)).toEqual([
      undefined,
      'c',
      'd',
      'e',
    ]);
    // A submission is measured again when it changes: c grows past what is left and goes.
    await store.update('c', {
      state: 'finished',
      request: { language: 'python', code: 'x'.repeat(20_000) },
    });
    expect((await store.getMany(['c', 'd', 'e'])).map((s) => s?.token)).toEqual([
      undefined,
      'd',
      'e',
    ]);
  });

  it('when a stored submission is read and changed, then the store keeps its own copy', async () => {
    const store = createMemorySubmissionStore({ maxStored: 5 });
    const original = submission('a');
    await store.put(original);
    original.state = 'finished';
    const read = await store.get('a');
    expect(read?.state).toBe('queued');
    if (read) read.state = 'processing';
    expect((await store.get('a'))?.state).toBe('queued');
    expect(await store.update('missing', { state: 'finished' })).toBeUndefined();
  });
});

describe('createMemorySubmissionQueue', () => {
  it('when more than maxQueued wait, then add refuses with SubmissionQueueFullError', async () => {
    const queue = createMemorySubmissionQueue({ maxQueued: 2 });
    await queue.add('a');
    await queue.add('b');
    await expect(queue.add('c')).rejects.toBeInstanceOf(SubmissionQueueFullError);
    expect(await queue.waiting()).toBe(2);
    await queue.close();
  });

  it('when workers process, then at most `concurrency` handlers run at once, in FIFO order', async () => {
    const queue = createMemorySubmissionQueue({ maxQueued: 10 });
    const started: string[] = [];
    const release: (() => void)[] = [];
    let running = 0;
    let peak = 0;
    queue.process(async (token) => {
      started.push(token);
      running += 1;
      peak = Math.max(peak, running);
      await new Promise<void>((resolve) => release.push(resolve));
      running -= 1;
    }, 2);
    for (const token of ['a', 'b', 'c', 'd']) await queue.add(token);
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(['a', 'b']);
    release.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(['a', 'b', 'c']);
    while (release.length > 0 || started.length < 4) {
      release.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(peak).toBe(2);
    const closing = queue.close();
    release.forEach((done) => done());
    await closing;
  });

  it('when a handler throws, then onError hears of it and the queue goes on', async () => {
    const errors: string[] = [];
    const queue = createMemorySubmissionQueue({
      maxQueued: 5,
      onError: (token) => errors.push(token),
    });
    const done: string[] = [];
    queue.process((token) => {
      if (token === 'bad') return Promise.reject(new Error('boom'));
      done.push(token);
      return Promise.resolve();
    }, 1);
    await queue.add('bad');
    await queue.add('good');
    await queue.close();
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors).toEqual(['bad']);
  });
});
