import type { Express, RequestHandler } from 'express';
import type { Store } from 'express-rate-limit';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { maxAsyncExecutions, type Config } from '../../config.js';
import { RateLimitedError } from '../../errors.js';
import type { ExecutionService } from '../../execution/execution-service.js';
import { getClientKey } from '../../middleware/client-key.js';
import type { RefundableRateLimit } from '../../middleware/rate-limit.js';
import type { RuntimeCache } from '../../runtimes/runtime-cache.js';
import { createMemorySubmissionQueue } from '../../submissions/memory-queue.js';
import { createMemorySubmissionStore } from '../../submissions/memory-store.js';
import type {
  CallbackDelivery,
  SubmissionQueue,
  SubmissionStore,
} from '../../submissions/types.js';
import { createSubmissionWorker } from '../../submissions/worker.js';
import { createCallbackMetrics } from '../../webhooks/callback-metrics.js';
import { callbackAttemptFromConfig } from '../../webhooks/callbacks.js';
import { createMemoryCallbackDelivery } from '../../webhooks/memory-callback-delivery.js';
import type { Charge } from './create-submission.js';
import { createJudge0Router } from './judge0-routes.js';
import { createJudge0Runner, judge0Failure } from './run-submission.js';
import { judge0CallbackBody } from './submission-view.js';

/**
 * Where submissions live and wait, and who calls back; in this process unless given (Redis).
 * Without `delivery`, a `callback_url` is refused (422, as Judge0 does with callbacks turned
 * off) rather than accepted and never called.
 */
export interface SubmissionBackend {
  store: SubmissionStore;
  queue: SubmissionQueue;
  delivery?: CallbackDelivery;
  /** Registers the backend's metrics (callbacks) in the app's registry. */
  registerMetrics?(registry: Registry): void;
}

/** What mounting the Judge0 API needs from createApp. */
export interface MountJudge0Options {
  config: Config;
  logger: Logger;
  runtimes: RuntimeCache;
  execution: ExecutionService;
  /** The /api protections, in order: API key, client identity, /api limit, 401 refusal. */
  protection: RequestHandler[];
  /** The execution rate limit and its counters, for charging accepted submissions. */
  executeLimiter: RefundableRateLimit;
  executeStore: Store;
  backend?: SubmissionBackend | undefined;
  /** The app's metrics registry (callback metrics). */
  registry: Registry;
}

/** Runs one middleware as a promise (the execution limiter, charged from a handler). */
function runMiddleware(
  handler: RequestHandler,
  ...args: Parameters<RequestHandler>
): Promise<void> {
  const [req, res] = args;
  return new Promise((resolve, reject) => {
    void handler(req, res, (error?: unknown) => {
      if (error) reject(error instanceof Error ? error : new Error('middleware failed'));
      else resolve();
    });
  });
}

/**
 * The charge: the limiter counts the first submission (and answers 429 past the limit), its
 * store the rest, one hit each. A batch that needs more than is left is refused whole.
 */
function createCharge(limiter: RefundableRateLimit, store: Store): Charge {
  return {
    async take(req, res, count) {
      await runMiddleware(limiter, req, res, () => undefined);
      const info = limiter.counted(req);
      if (info && info.used + count - 1 > info.limit) {
        limiter.refund(req, res);
        throw new RateLimitedError(
          `Too many requests: ${count} submissions need ${count} executions, ${info.limit - info.used + 1} left in this window`,
        );
      }
      for (let extra = 1; extra < count; extra += 1) await store.increment(getClientKey(res));
    },
    give(req, res, count) {
      limiter.refund(req, res);
      for (let extra = 1; extra < count; extra += 1) {
        void Promise.resolve(store.decrement(getClientKey(res))).catch(() => undefined);
      }
    },
  };
}

/** Without Redis: store, queue and callback retries in this process (lost on restart). */
function memoryBackend({ config, logger, registry }: MountJudge0Options): SubmissionBackend {
  const store = createMemorySubmissionStore({
    maxStored: config.MAX_SUBMISSIONS_STORED,
    maxBytes: config.MAX_SUBMISSIONS_STORED_BYTES,
  });
  const attempt = callbackAttemptFromConfig({
    config,
    store,
    body: judge0CallbackBody,
    metrics: createCallbackMetrics(registry),
    logger,
  });
  return {
    store,
    queue: createMemorySubmissionQueue({
      maxQueued: config.MAX_SUBMISSION_QUEUE,
      onError: (token, error) => logger.error({ err: error, token }, 'submission worker failed'),
    }),
    delivery: createMemoryCallbackDelivery(attempt),
  };
}

/**
 * Mounts the Judge0 CE 1.13.1-compatible API at `/judge0` with the same protection as `/api`,
 * starts the submission workers (at most maxAsyncExecutions(config) at once, so synchronous
 * requests keep the other slots of the shared limiter), and returns how to stop them.
 */
export function mountJudge0(app: Express, options: MountJudge0Options): () => Promise<void> {
  const { config, logger } = options;
  const backend = options.backend ?? memoryBackend(options);
  backend.registerMetrics?.(options.registry);
  const worker = createSubmissionWorker({
    store: backend.store,
    run: createJudge0Runner({ execution: options.execution }),
    failed: judge0Failure,
    delivery: backend.delivery,
    logger,
  });
  backend.queue.process(worker, maxAsyncExecutions(config));
  app.use('/judge0', ...options.protection);
  app.use(
    '/judge0',
    createJudge0Router({
      config,
      runtimes: options.runtimes,
      execution: options.execution,
      store: backend.store,
      queue: backend.queue,
      callbacks: backend.delivery !== undefined,
      charge: createCharge(options.executeLimiter, options.executeStore),
    }),
  );
  return async () => {
    await backend.queue.close();
    await backend.delivery?.close();
    await backend.store.close();
  };
}
