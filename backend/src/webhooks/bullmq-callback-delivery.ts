import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { boundedClose } from '../submissions/bounded-close.js';
import type { CallbackDelivery } from '../submissions/types.js';
import type { CallbackAttempt } from './callback-attempt.js';

/** The BullMQ queue callback attempts wait in (under `<REDIS_KEY_PREFIX>bull`). */
export const CALLBACK_QUEUE_NAME = 'callbacks';
/** Attempts under way at once per instance: they wait on the network, not on Piston. */
const CONCURRENCY = 16;

interface CallbackJob {
  token: string;
  attempt: number;
}

export interface BullmqCallbackDeliveryOptions {
  attempt: CallbackAttempt;
  /** For adding jobs (calls bounded in time). */
  connection: Redis;
  /** For the worker (`maxRetriesPerRequest: null`). */
  workerConnection: Redis;
  prefix: string;
  logger: Pick<Logger, 'warn'>;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

/** One job per attempt, its id derived from the submission and the attempt's number. */
const jobId = (token: string, attempt: number) => `callback-${token}-${attempt}`;

/**
 * Callbacks delivered by BullMQ workers on every instance: each attempt is a job, and each retry
 * a delayed job, so waiting retries survive restarts and any instance may make them. Job ids are
 * deterministic, so an attempt run twice (its instance was killed after sending) schedules its
 * retry once; the receiver may see that attempt twice, with the same `webhook-id` to tell.
 */
export function createBullmqCallbackDelivery(
  options: BullmqCallbackDeliveryOptions,
): CallbackDelivery {
  const { prefix, logger } = options;
  const queue = new Queue<CallbackJob>(CALLBACK_QUEUE_NAME, {
    connection: options.connection,
    prefix,
  });
  queue.on('error', (error) => logger.warn({ err: error }, 'callback queue: Redis error'));
  const schedule = (token: string, attempt: number, delay: number) =>
    queue.add(
      'attempt',
      { token, attempt },
      {
        jobId: jobId(token, attempt),
        delay,
        removeOnComplete: true,
        removeOnFail: { age: 24 * 3600 },
        // A store failure (Redis briefly away) is tried again; the receiver's failures are not
        // errors here (they schedule the next attempt).
        attempts: 3,
        backoff: { type: 'exponential', delay: 1_000 },
      },
    );
  const worker = new Worker<CallbackJob>(
    CALLBACK_QUEUE_NAME,
    async (job) => {
      const { token, attempt } = job.data;
      const next = await options.attempt(token, attempt);
      if (next !== undefined) await schedule(token, attempt + 1, next);
    },
    {
      connection: options.workerConnection,
      prefix,
      concurrency: CONCURRENCY,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
    },
  );
  worker.on('error', (error) => logger.warn({ err: error }, 'callback worker: Redis error'));
  return {
    async deliver(submission) {
      if (submission.callbackUrl) await schedule(submission.token, 1, 0);
    },
    close: boundedClose(
      async () => {
        await worker.close();
        await queue.close();
      },
      () => {
        void worker.close(true).catch(() => undefined);
        void queue.disconnect().catch(() => undefined);
      },
      { connected: () => options.workerConnection.status === 'ready' },
    ),
  };
}
