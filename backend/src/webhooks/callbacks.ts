import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { CallbackBody, SubmissionStore } from '../submissions/types.js';
import { createCallbackAttempt, type CallbackAttempt } from './callback-attempt.js';
import type { CallbackMetrics } from './callback-metrics.js';
import { createCallbackSigner } from './callback-signer.js';
import type { Resolver } from './resolve-target.js';
import type { RetrySchedule } from './retry-schedule.js';
import { createCallbackSender } from './send-callback.js';

/** The settings callbacks read. */
export type CallbackConfig = Pick<
  Config,
  'WEBHOOK_SECRET' | 'WEBHOOK_MAX_ATTEMPTS' | 'WEBHOOK_ALLOW_PRIVATE'
>;

/** Tests: faster retries, a resolver that points names anywhere. */
export interface CallbackTuning {
  schedule?: RetrySchedule;
  resolve?: Resolver;
}

export interface CallbackAttemptFromConfigOptions {
  config: CallbackConfig;
  store: Pick<SubmissionStore, 'get' | 'update'>;
  body: CallbackBody;
  metrics?: CallbackMetrics | undefined;
  logger: Pick<Logger, 'warn' | 'info'>;
  tuning?: CallbackTuning | undefined;
}

/**
 * Builds the callback attempt from the WEBHOOK_* settings, for either delivery (in memory or on
 * BullMQ). Without WEBHOOK_SECRET it warns at the first callback: they go out unsigned.
 */
export function callbackAttemptFromConfig(
  options: CallbackAttemptFromConfigOptions,
): CallbackAttempt {
  const { config, tuning = {} } = options;
  const attempt = createCallbackAttempt({
    store: options.store,
    body: options.body,
    signer: createCallbackSigner(config.WEBHOOK_SECRET),
    send: createCallbackSender({
      allowPrivate: config.WEBHOOK_ALLOW_PRIVATE,
      ...(tuning.resolve ? { resolve: tuning.resolve } : {}),
    }),
    maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
    ...(tuning.schedule ? { schedule: tuning.schedule } : {}),
    metrics: options.metrics,
    logger: options.logger,
  });
  if (config.WEBHOOK_SECRET) return attempt;
  // Said at the first callback, not at start: a deployment without callbacks needs no secret.
  let warned = false;
  return (token, n) => {
    if (!warned) {
      warned = true;
      options.logger.warn('WEBHOOK_SECRET is not set: callbacks are sent unsigned');
    }
    return attempt(token, n);
  };
}
