import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { SubmissionQueueFullError } from '../errors.js';
import { boundedClose } from './bounded-close.js';
import type { SubmissionHandler, SubmissionQueue } from './types.js';

/** The BullMQ queue submissions wait in (under `<REDIS_KEY_PREFIX>bull`). */
export const SUBMISSION_QUEUE_NAME = 'submissions';

/** Job states that count as waiting against MAX_SUBMISSION_QUEUE. */
const WAITING_STATES = ['wait', 'prioritized', 'delayed'] as const;

/** Why a job is given up: its handler threw, or its workers kept dying (`stalled`). */
export type GiveUpReason = 'failed' | 'stalled';

export interface BullmqSubmissionQueueOptions {
  /** For adding jobs and counting them: its calls are bounded in time, so a request never hangs. */
  connection: Redis;
  /** For workers: BullMQ needs `maxRetriesPerRequest: null` on it; duplicated for blocking reads. */
  workerConnection: Redis;
  /** `<REDIS_KEY_PREFIX>bull`. */
  prefix: string;
  /** MAX_SUBMISSION_QUEUE. */
  maxQueue: number;
  /**
   * Called once a job will not run again: its handler threw, or its worker died (a killed
   * instance) more often than `maxStalledCount` allows. Marks the submission Internal Error.
   */
  onGiveUp: (token: string, why: GiveUpReason) => Promise<void>;
  logger: Pick<Logger, 'warn' | 'error' | 'info'>;
  /**
   * How long a worker's hold on a job lasts without renewal (it renews at half). A killed
   * instance's jobs are taken over within about this plus `stalledIntervalMs`.
   */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** Times a job whose worker died is run again before it is given up. */
  maxStalledCount?: number;
}

/**
 * The submission queue on BullMQ: every instance adds to it and runs workers on it, so any
 * instance takes any job. A job whose worker stops renewing its lock (the process was killed)
 * is run again by another instance's stalled-job check, once by default, then given up
 * (Internal Error): a submission is never left Processing.
 */
export function createBullmqSubmissionQueue(
  options: BullmqSubmissionQueueOptions,
): SubmissionQueue {
  const { prefix, logger } = options;
  const queue = new Queue<{ token: string }>(SUBMISSION_QUEUE_NAME, {
    connection: options.connection,
    prefix,
  });
  queue.on('error', (error) => logger.warn({ err: error }, 'submission queue: Redis error'));
  let worker: Worker<{ token: string }> | undefined;

  const giveUp = (token: string, why: GiveUpReason) =>
    options.onGiveUp(token, why).catch((error: unknown) => {
      logger.error({ err: error, token }, 'could not mark a failed submission');
    });

  const waiting = async () => {
    const counts = await queue.getJobCounts(...WAITING_STATES);
    return Object.values(counts).reduce((sum, n) => sum + n, 0);
  };

  return {
    async add(token) {
      // Instances check and add separately, so the bound can be passed by a few under a race.
      if ((await waiting()) >= options.maxQueue) {
        throw new SubmissionQueueFullError('queue is full', { retryAfterSeconds: 5 });
      }
      await queue.add(
        'run',
        { token },
        { jobId: token, removeOnComplete: true, removeOnFail: { age: 24 * 3600 } },
      );
    },
    process(handler: SubmissionHandler, concurrency: number) {
      if (worker) throw new Error('the submission queue already has its workers');
      worker = new Worker<{ token: string }>(
        SUBMISSION_QUEUE_NAME,
        (job: Job<{ token: string }>) => handler(job.data.token),
        {
          connection: options.workerConnection,
          prefix,
          concurrency,
          lockDuration: options.lockDurationMs ?? 30_000,
          stalledInterval: options.stalledIntervalMs ?? 30_000,
          maxStalledCount: options.maxStalledCount ?? 1,
        },
      );
      const current = worker;
      current.on('error', (error) => logger.warn({ err: error }, 'submission worker: Redis error'));
      // BullMQ 6 fails a job that stalled more than maxStalledCount times when a
      // worker next takes it, as a "deferred failure": this 'failed' event, with that reason.
      current.on('failed', (job, error) => {
        logger.warn({ err: error, token: job?.data.token }, 'a submission job failed');
        if (job) void giveUp(job.data.token, job.deferredFailure ? 'stalled' : 'failed');
      });
      current.on('stalled', (jobId) => {
        logger.warn({ token: jobId }, 'a submission was running on an instance that stopped');
      });
    },
    waiting,
    close: boundedClose(
      async () => {
        await worker?.close();
        await queue.close();
      },
      () => {
        void worker?.close(true).catch(() => undefined);
        void queue.disconnect().catch(() => undefined);
      },
      { connected: () => options.workerConnection.status === 'ready' },
    ),
  };
}
