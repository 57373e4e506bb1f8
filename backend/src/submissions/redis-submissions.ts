import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../config.js';
import { createBullmqCallbackDelivery } from '../webhooks/bullmq-callback-delivery.js';
import { createCallbackMetrics, type CallbackMetrics } from '../webhooks/callback-metrics.js';
import { callbackAttemptFromConfig, type CallbackTuning } from '../webhooks/callbacks.js';
import { boundedClose } from './bounded-close.js';
import { warnIfSubmissionsCanBeEvicted } from './eviction-check.js';
import { createBullmqSubmissionQueue, type GiveUpReason } from './bullmq-submission-queue.js';
import { markInternalError } from './internal-error.js';
import { createRedisSubmissionStore } from './redis-submission-store.js';
import type { CallbackBody, CallbackDelivery, SubmissionQueue, SubmissionStore } from './types.js';

/** The store, queue and callback delivery of Redis mode, and how to release their connections. */
export interface RedisSubmissions {
  store: SubmissionStore;
  queue: SubmissionQueue;
  delivery: CallbackDelivery;
  /** Registers the callback metrics in the app's registry (createApp calls it). */
  registerMetrics(registry: Registry): void;
  close(): Promise<void>;
}

export interface RedisSubmissionsOptions {
  /** The submissions' Redis: SUBMISSIONS_REDIS_URL, else REDIS_URL. */
  url: string;
  /** Whether that Redis also holds the rate limits and result cache (it is REDIS_URL's). */
  shared?: boolean;
  config: Pick<
    Config,
    | 'REDIS_KEY_PREFIX'
    | 'SUBMISSION_TTL_MS'
    | 'SUBMISSION_LOCK_MS'
    | 'MAX_SUBMISSION_QUEUE'
    | 'WEBHOOK_SECRET'
    | 'WEBHOOK_MAX_ATTEMPTS'
    | 'WEBHOOK_ALLOW_PRIVATE'
  >;
  logger: Logger;
  /** Renders Judge0's callback body. */
  body: CallbackBody;
  /** Tests: shorter retries, a resolver pointing names anywhere. */
  tuning?: CallbackTuning;
}

/** How long the API's calls to Redis (store reads and writes, queueing) may wait. */
const COMMAND_TIMEOUT_MS = 2_000;

/** Judge0's `message` of a submission given up (never the error itself: it may name internals). */
const GIVE_UP_MESSAGES: Record<GiveUpReason, string> = {
  stalled:
    'The gateway instance running this submission stopped, and so did the one that took it over',
  failed: 'The submission could not be run',
};

/**
 * Builds Redis mode (SUBMISSIONS_REDIS_URL, else REDIS_URL): submissions in Redis with
 * SUBMISSION_TTL_MS, the BullMQ queue every instance works on, and callbacks retried as BullMQ
 * delayed jobs. Connections of its own: one whose calls wait at most 2 s, for the API's reads and
 * writes, and one for workers (BullMQ needs commands there to wait out a reconnection), which
 * BullMQ duplicates for its blocking reads. Warns at start-up when that Redis may evict keys.
 */
export function createRedisSubmissions(options: RedisSubmissionsOptions): RedisSubmissions {
  const { config, logger, tuning = {} } = options;
  // A request waits for Redis at most COMMAND_TIMEOUT_MS (through a reconnection), then fails.
  const connection = new Redis(options.url, {
    maxRetriesPerRequest: 1,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: COMMAND_TIMEOUT_MS,
  });
  const workerConnection = new Redis(options.url, { maxRetriesPerRequest: null });
  for (const redis of [connection, workerConnection]) {
    redis.on('error', (error) => logger.debug({ err: error }, 'submissions: Redis error'));
  }
  connection.once('ready', () => {
    void warnIfSubmissionsCanBeEvicted(connection, logger, options.shared ?? false);
  });
  const prefix = `${config.REDIS_KEY_PREFIX}bull`;
  const store = createRedisSubmissionStore({
    redis: connection,
    prefix: config.REDIS_KEY_PREFIX,
    ttlMs: config.SUBMISSION_TTL_MS,
  });
  // The app's registry exists only once createApp runs: it hands it over (registerMetrics).
  let metrics: CallbackMetrics | undefined;
  const attempt = callbackAttemptFromConfig({
    config,
    store,
    body: options.body,
    metrics: {
      attempt: (result) => metrics?.attempt(result),
      finished: (outcome) => metrics?.finished(outcome),
    },
    logger,
    tuning,
  });
  // BullMQ's own defaults are 30 s for both; a dead instance's job is taken over within about
  // lock + interval (the check marks it, and takes it back once its lock is gone).
  const timing = {
    lockDurationMs: config.SUBMISSION_LOCK_MS,
    stalledIntervalMs: config.SUBMISSION_LOCK_MS,
  };
  const delivery = createBullmqCallbackDelivery({
    attempt,
    connection,
    workerConnection,
    prefix,
    logger,
    ...timing,
  });
  const queue = createBullmqSubmissionQueue({
    connection,
    workerConnection,
    prefix,
    maxQueue: config.MAX_SUBMISSION_QUEUE,
    logger,
    ...timing,
    async onGiveUp(token, why) {
      const finished = await markInternalError(store, token, GIVE_UP_MESSAGES[why]);
      if (finished) logger.warn({ token, why }, 'submission given up: Internal Error');
      if (finished) await delivery.deliver(finished);
    },
  });
  return {
    store,
    queue,
    delivery,
    registerMetrics(registry) {
      metrics = createCallbackMetrics(registry);
    },
    async close() {
      // Each bounds its own close; the connections then get a moment to quit politely.
      await queue.close();
      await delivery.close();
      await boundedClose(
        async () => {
          await Promise.all([connection.quit(), workerConnection.quit()]);
        },
        () => {
          connection.disconnect();
          workerConnection.disconnect();
        },
        { connected: () => connection.status === 'ready' },
      )();
    },
  };
}
