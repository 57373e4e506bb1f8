import { setTimeout as sleep } from 'node:timers/promises';
import type { Request, Response } from 'express';
import type { Config } from '../../config.js';
import { AppError, BadRequestError, SubmissionQueueFullError } from '../../errors.js';
import type { ExecutionService } from '../../execution/execution-service.js';
import { parseBody } from '../../middleware/validate.js';
import type { PistonRuntime } from '../../piston/piston-schemas.js';
import type { RuntimeCache } from '../../runtimes/runtime-cache.js';
import { ExecuteRequestSchema, type ExecuteRequest } from '../../schemas/execute-request.js';
import type { Submission, SubmissionQueue, SubmissionStore } from '../../submissions/types.js';
import type { FieldErrors } from './input-fields.js';
import { internalErrorResult } from './statuses.js';
import { parseSubmission, type AcceptedSubmission } from './submission-input.js';
import { renderSubmission } from './submission-view.js';

/** Counts accepted submissions against the caller's execution limit, and gives them back. */
export interface Charge {
  /** Counts `count` executions; rejects with RateLimitedError (429) when over the limit. */
  take(req: Request, res: Response, count: number): Promise<void>;
  /** Gives back `count` executions taken for this request (they were never queued). */
  give(req: Request, res: Response, count: number): void;
}

interface CreatorDeps {
  config: Config;
  runtimes: RuntimeCache;
  execution: ExecutionService;
  store: SubmissionStore;
  queue: SubmissionQueue;
  callbacks: boolean;
  charge: Charge;
  newToken: () => string;
  now: () => Date;
}

/** A status and JSON body to answer with. */
interface Answer {
  status: number;
  body: unknown;
}

const QUEUE_FULL: Answer = { status: 503, body: { error: 'queue is full' } };

/** One submission's validation: Judge0's field errors, or what to store and run. */
type Checked = { errors: FieldErrors } | { accepted: AcceptedSubmission; request: ExecuteRequest };

/** A batch entry's answer when storing it failed: the error's safe message, never its cause. */
const failedEntry = (error: unknown) => ({
  error: error instanceof AppError ? error.message : 'the submission could not be stored',
});

/** Where the native validation names a field, in Judge0's words. */
function judge0Field(field: string | undefined): string {
  const head = (field ?? '').split('.')[0];
  if (head === 'stdin') return 'stdin';
  if (head === 'args') return 'command_line_arguments';
  if (head === 'language' || head === 'version') return 'language_id';
  return 'source_code';
}

/** The native request a Judge0 submission stands for (cache off: every run is a fresh run). */
function nativeRequest(accepted: AcceptedSubmission): ExecuteRequest {
  return {
    language: accepted.language.runtime.language,
    version: accepted.language.runtime.version,
    code: accepted.sourceCode,
    stdin: accepted.stdin ?? '',
    args: accepted.args,
    cache: false,
  };
}

/**
 * Creating submissions: Judge0's validation, then the native request's own validation and
 * prepare step (sizes, runtime, Piston's body limit) as for POST /api/execute, then the charge
 * against the execution limit, then the store and the queue.
 */
export function createSubmissionCreator(deps: CreatorDeps) {
  const { config, store, queue } = deps;

  async function validate(
    raw: unknown,
    base64: boolean,
    runtimes: readonly PistonRuntime[],
  ): Promise<Checked> {
    const parsed = parseSubmission(raw, {
      base64,
      runtimes,
      limits: config,
      callbacks: deps.callbacks,
    });
    if ('errors' in parsed) return parsed;
    try {
      const request = parseBody(ExecuteRequestSchema, nativeRequest(parsed.submission));
      await deps.execution.prepare(request);
      return { accepted: parsed.submission, request };
    } catch (error) {
      if (!(error instanceof BadRequestError)) throw error;
      const errors: FieldErrors = {};
      const details = error.details?.length ? error.details : [{ message: error.message }];
      for (const detail of details) {
        const message = error.code === 'payload_too_large' ? error.message : detail.message;
        (errors[judge0Field(detail.field)] ??= []).push(message);
      }
      return { errors };
    }
  }

  function record(accepted: AcceptedSubmission, request: ExecuteRequest): Submission {
    return {
      token: deps.newToken(),
      state: 'queued',
      createdAt: deps.now().toISOString(),
      startedAt: null,
      finishedAt: null,
      request,
      input: { ...accepted.echo, language_name: judge0Name(accepted) },
      result: null,
      callbackUrl: accepted.callbackUrl,
      callback: null,
    };
  }

  /**
   * Stores and queues; false when the queue refused it. A stored submission that did not get
   * into the queue is closed as an error, so it never reads In Queue without a job.
   */
  async function enqueue(submission: Submission): Promise<boolean> {
    await store.put(submission);
    try {
      await queue.add(submission.token);
      return true;
    } catch (error) {
      const full = error instanceof SubmissionQueueFullError;
      const closed = store.update(submission.token, {
        state: 'finished',
        finishedAt: deps.now().toISOString(),
        result: internalErrorResult(full ? 'queue is full' : 'the submission could not be queued'),
      });
      if (full) {
        await closed;
        return false;
      }
      // Redis failing: this may fail too; the client never gets the token, and the record expires.
      await closed.catch(() => undefined);
      throw error;
    }
  }

  /**
   * Stores and queues a batch's valid entries in order. Once one fails to be stored (Redis
   * failing), the rest are not tried: each answers the failure's message instead of a token.
   */
  async function enqueueBatch(checked: readonly Checked[]) {
    const body: unknown[] = [];
    let accepted = 0;
    let failure: { error: unknown } | undefined;
    for (const entry of checked) {
      if ('errors' in entry) body.push(entry.errors);
      else if (failure) body.push(failedEntry(failure.error));
      else {
        const submission = record(entry.accepted, entry.request);
        try {
          const queued = await enqueue(submission);
          body.push(queued ? { token: submission.token } : { error: 'queue is full' });
          if (queued) accepted += 1;
        } catch (error) {
          failure = { error };
          body.push(failedEntry(error));
        }
      }
    }
    return { body, accepted, failure };
  }

  /** `wait=true`: the finished submission, waited for at most as long as its runs may take. */
  async function waitFor(token: string, runs: number, res: Response): Promise<Submission> {
    const budget =
      config.QUEUE_TIMEOUT_MS +
      runs * (config.COMPILE_TIMEOUT_MS + config.MAX_RUN_TIMEOUT_MS + config.PISTON_TIMEOUT_MS);
    const deadline = Date.now() + budget;
    let pause = 10;
    for (;;) {
      const current = await store.get(token);
      if (!current) throw new Error('submission vanished from the store');
      if (current.state === 'finished' || Date.now() >= deadline || res.closed) return current;
      await sleep(pause);
      pause = Math.min(pause * 2, 200);
    }
  }

  return {
    async single(req: Request, res: Response, fields: string[]): Promise<Answer> {
      const base64 = req.query.base64_encoded === 'true';
      const checked = await validate(req.body, base64, await deps.runtimes.get());
      if ('errors' in checked) return { status: 422, body: checked.errors };
      if ((await queue.waiting()) >= config.MAX_SUBMISSION_QUEUE) return QUEUE_FULL;
      await deps.charge.take(req, res, 1);
      const submission = record(checked.accepted, checked.request);
      // A submission not queued (full, or Redis failing) is not charged.
      const queued = await enqueue(submission).catch((error: unknown) => {
        deps.charge.give(req, res, 1);
        throw error;
      });
      if (!queued) {
        deps.charge.give(req, res, 1);
        return QUEUE_FULL;
      }
      if (req.query.wait !== 'true') return { status: 201, body: { token: submission.token } };
      const done = await waitFor(submission.token, checked.accepted.numberOfRuns, res);
      return { status: 201, body: renderSubmission(done, { fields, base64 }) };
    },

    async batch(req: Request, res: Response): Promise<Answer> {
      const items: unknown = (req.body as { submissions?: unknown } | undefined)?.submissions;
      const count = Array.isArray(items) ? items.length : 0;
      if (count === 0 || !Array.isArray(items)) {
        return {
          status: 400,
          body: { error: 'there should be at least one submission in a batch' },
        };
      }
      if (count > config.MAX_BATCH_SIZE) {
        return {
          status: 400,
          body: {
            error: `number of submissions in a batch should be less than or equal to ${config.MAX_BATCH_SIZE}`,
          },
        };
      }
      const base64 = req.query.base64_encoded === 'true';
      const runtimes = await deps.runtimes.get();
      const checked = [];
      for (const item of items) checked.push(await validate(item, base64, runtimes));
      const valid = checked.filter((entry) => !('errors' in entry)).length;
      if (valid === 0) {
        return {
          status: 422,
          body: checked.map((entry) => ('errors' in entry ? entry.errors : {})),
        };
      }
      if ((await queue.waiting()) + valid > config.MAX_SUBMISSION_QUEUE) return QUEUE_FULL;
      await deps.charge.take(req, res, valid);
      const { body, accepted, failure } = await enqueueBatch(checked);
      // Only accepted submissions are charged.
      if (accepted < valid) deps.charge.give(req, res, valid - accepted);
      // Nothing accepted because storing failed: the batch fails as a whole (503), as one would.
      if (failure && accepted === 0) throw failure.error;
      return { status: 201, body };
    },
  };
}

function judge0Name(accepted: AcceptedSubmission): string {
  return accepted.language.name;
}
