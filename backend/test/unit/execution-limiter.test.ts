import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OverloadedError } from '../../src/errors.js';
import {
  QueueAbortedError,
  createExecutionLimiter,
} from '../../src/execution/execution-limiter.js';

/** A task that finishes when the test says so. */
function gate() {
  let open!: () => void;
  const done = new Promise<void>((resolve) => (open = resolve));
  return { task: () => done.then(() => 'done'), open };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('createExecutionLimiter', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('when under the limit, then tasks start at once', async () => {
    const limiter = createExecutionLimiter({ maxConcurrent: 2, maxQueue: 0, queueTimeoutMs: 100 });
    const a = gate();
    const b = gate();

    const runs = [limiter.run(a.task), limiter.run(b.task)];
    await flush();

    expect(limiter.stats()).toMatchObject({ inFlight: 2, queued: 0 });
    a.open();
    b.open();
    await expect(Promise.all(runs)).resolves.toEqual(['done', 'done']);
    expect(limiter.stats()).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it('when at the limit, then waiting tasks start in arrival order as slots free up', async () => {
    const limiter = createExecutionLimiter({ maxConcurrent: 1, maxQueue: 5, queueTimeoutMs: 1000 });
    const first = gate();
    const order: number[] = [];

    const running = limiter.run(first.task);
    const queued = [1, 2, 3].map((n) =>
      limiter.run(() => {
        order.push(n);
        return Promise.resolve(n);
      }),
    );
    await flush();
    expect(limiter.stats()).toMatchObject({ inFlight: 1, queued: 3 });

    first.open();
    await Promise.all([running, ...queued]);

    expect(order).toEqual([1, 2, 3]);
    expect(limiter.stats()).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it('when the queue is full, then the next request is shed at once with a retry hint', async () => {
    const limiter = createExecutionLimiter({ maxConcurrent: 1, maxQueue: 1, queueTimeoutMs: 1000 });
    const first = gate();
    void limiter.run(first.task);
    void limiter.run(() => Promise.resolve('queued'));

    const shed = await limiter.run(() => Promise.resolve('never')).catch((e: unknown) => e);

    expect(shed).toBeInstanceOf(OverloadedError);
    expect((shed as OverloadedError).statusCode).toBe(503);
    expect((shed as OverloadedError).retryAfterSeconds).toBeGreaterThan(0);
    first.open();
  });

  it('when a request waits longer than the queue timeout, then it is shed and leaves the queue', async () => {
    const limiter = createExecutionLimiter({ maxConcurrent: 1, maxQueue: 5, queueTimeoutMs: 1000 });
    const first = gate();
    void limiter.run(first.task);
    const task = vi.fn(() => Promise.resolve('late'));

    const waiting = limiter.run(task).catch((e: unknown) => e);
    await flush();
    vi.advanceTimersByTime(1000);

    expect(await waiting).toBeInstanceOf(OverloadedError);
    expect(limiter.stats().queued).toBe(0);
    first.open();
    await flush();
    expect(task).not.toHaveBeenCalled();
  });

  it('when the client goes away while queued, then the task never runs', async () => {
    const limiter = createExecutionLimiter({ maxConcurrent: 1, maxQueue: 5, queueTimeoutMs: 1000 });
    const first = gate();
    void limiter.run(first.task);
    const controller = new AbortController();
    const task = vi.fn(() => Promise.resolve('x'));

    const waiting = limiter.run(task, controller.signal).catch((e: unknown) => e);
    await flush();
    controller.abort();

    expect(await waiting).toBeInstanceOf(QueueAbortedError);
    expect(limiter.stats().queued).toBe(0);
    first.open();
    await flush();
    expect(task).not.toHaveBeenCalled();
    expect(limiter.stats().inFlight).toBe(0);
  });

  it('when a task fails, then its slot is still released', async () => {
    const limiter = createExecutionLimiter({ maxConcurrent: 1, maxQueue: 1, queueTimeoutMs: 1000 });

    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');

    expect(limiter.stats().inFlight).toBe(0);
    await expect(limiter.run(() => Promise.resolve('ok'))).resolves.toBe('ok');
  });

  it('when the limits are impossible, then creating the limiter fails', () => {
    expect(() =>
      createExecutionLimiter({ maxConcurrent: 0, maxQueue: 1, queueTimeoutMs: 1 }),
    ).toThrow(RangeError);
  });
});
