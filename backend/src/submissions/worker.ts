import type { Logger } from 'pino';
import type {
  CallbackDelivery,
  Submission,
  SubmissionHandler,
  SubmissionResult,
  SubmissionStore,
} from './types.js';

/** What a worker needs: where submissions are, how to run one, and who calls back. */
export interface SubmissionWorkerOptions {
  store: SubmissionStore;
  /** Runs a submission to its result; rejects only for faults (recorded as Internal Error). */
  run: (submission: Submission) => Promise<SubmissionResult>;
  /** The result recorded when `run` rejects. */
  failed: (error: unknown) => SubmissionResult;
  delivery?: CallbackDelivery | undefined;
  logger: Pick<Logger, 'warn' | 'error'>;
  now?: () => Date;
}

/**
 * The queue's handler: marks the submission Processing, runs it, records the result (an Internal
 * Error when running failed) and hands it to the callback delivery when it has a callback_url.
 * A submission already finished (a job delivered twice) is left as it is.
 */
export function createSubmissionWorker(options: SubmissionWorkerOptions): SubmissionHandler {
  const now = options.now ?? (() => new Date());
  return async function runSubmission(token) {
    const submission = await options.store.get(token);
    if (!submission || submission.state === 'finished') return;
    const processing = await options.store.update(token, {
      state: 'processing',
      startedAt: now().toISOString(),
    });
    if (!processing) return;
    let result: SubmissionResult;
    try {
      result = await options.run(processing);
    } catch (error) {
      options.logger.warn({ err: error, token }, 'submission failed to run');
      result = options.failed(error);
    }
    const finished = await options.store.update(token, {
      state: 'finished',
      result,
      finishedAt: now().toISOString(),
    });
    if (finished?.callbackUrl && options.delivery) {
      await options.delivery.deliver(finished).catch((error: unknown) => {
        options.logger.error({ err: error, token }, 'callback delivery failed to start');
      });
    }
  };
}
