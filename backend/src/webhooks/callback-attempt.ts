import type { Logger } from 'pino';
import type { CallbackBody, SubmissionStore } from '../submissions/types.js';
import type { CallbackMetrics, DeliveryOutcome } from './callback-metrics.js';
import { callbackMessageId, type CallbackSigner } from './callback-signer.js';
import { DEFAULT_RETRY_SCHEDULE, retryDelayMs, type RetrySchedule } from './retry-schedule.js';
import type { AttemptResult, CallbackSender } from './send-callback.js';

/** What one attempt needs; shared by the in-memory and the BullMQ delivery. */
export interface CallbackAttemptOptions {
  store: Pick<SubmissionStore, 'get' | 'update'>;
  /** Renders the body (Judge0's callback: its default fields, base64). */
  body: CallbackBody;
  signer: CallbackSigner;
  send: CallbackSender;
  /** WEBHOOK_MAX_ATTEMPTS, the first included. */
  maxAttempts: number;
  schedule?: RetrySchedule;
  metrics?: CallbackMetrics | undefined;
  logger: Pick<Logger, 'warn' | 'info'>;
  now?: () => number;
  random?: () => number;
}

/**
 * Makes attempt `attempt` (1-based) of a submission's callback and records the outcome on the
 * submission. Resolves to the wait before the next attempt, or undefined when there is none
 * (delivered, final, out of attempts, or the submission is gone). Never rejects for a receiver's
 * failure; a store failure rejects (the caller's queue retries the job).
 */
export type CallbackAttempt = (token: string, attempt: number) => Promise<number | undefined>;

function finalOutcome(
  result: AttemptResult,
  attempt: number,
  max: number,
): DeliveryOutcome | undefined {
  if (result.kind === 'delivered') return 'delivered';
  if (result.kind === 'final') return result.result === 'refused' ? 'refused' : 'rejected';
  return attempt >= max ? 'exhausted' : undefined;
}

/** Builds the attempt function from a store, a body renderer, a signer and a sender. */
export function createCallbackAttempt(options: CallbackAttemptOptions): CallbackAttempt {
  const now = options.now ?? Date.now;
  const schedule = options.schedule ?? DEFAULT_RETRY_SCHEDULE;
  return async function attemptCallback(token, attempt) {
    const submission = await options.store.get(token);
    if (!submission?.callbackUrl || submission.callback?.delivered) return undefined;
    const body = JSON.stringify(options.body(submission));
    const headers = options.signer.headers(callbackMessageId(token), body, new Date(now()));
    const result = await options.send({ url: submission.callbackUrl, body, headers });
    await options.store.update(token, {
      callback: {
        attempts: attempt,
        lastStatus: result.status,
        delivered: result.kind === 'delivered',
      },
    });
    options.metrics?.attempt(result.result);
    const outcome = finalOutcome(result, attempt, options.maxAttempts);
    if (outcome !== undefined) {
      options.metrics?.finished(outcome);
      if (outcome !== 'delivered') {
        // The URL is the client's; its host is logged, never its path or query (they may carry secrets).
        options.logger.warn(
          { token, attempt, status: result.status, result: result.result, reason: result.reason },
          `callback not delivered (${outcome})`,
        );
      }
      return undefined;
    }
    return retryDelayMs(attempt, result.retryAfterMs, schedule, options.random);
  };
}
