/**
 * The contracts between the submission API (Judge0-compatible routes, the worker) and where
 * submissions live and wait: the in-memory store and queue of this folder, and their Redis/BullMQ
 * counterparts. Every record is plain JSON, so a store may keep it as a string. Changes to these
 * interfaces are additive only (issue #18).
 * @module
 */
import { z } from 'zod';

/** Where a submission is in its life: waiting in the queue, on a worker, or done. */
export const SUBMISSION_STATES = ['queued', 'processing', 'finished'] as const;
export type SubmissionState = (typeof SUBMISSION_STATES)[number];

/** What the callback delivery did so far; returned when `fields` names `callback`. */
export const CallbackOutcomeSchema = z.object({
  /** Deliveries tried so far (the first included). */
  attempts: z.number().int().min(0),
  /** HTTP status of the last attempt; null when it got no answer (network error, timeout). */
  lastStatus: z.number().int().nullable(),
  /** A 2xx was received; no further attempt is made. */
  delivered: z.boolean(),
});
export type CallbackOutcome = z.infer<typeof CallbackOutcomeSchema>;

/**
 * The outcome of a finished submission in Judge0's terms (texts as plain UTF-8, never base64;
 * encoding is the reader's business). `statusId` is one of Judge0's 14 statuses.
 */
export const SubmissionResultSchema = z.object({
  statusId: z.number().int().min(1).max(14),
  stdout: z.string().nullable(),
  stderr: z.string().nullable(),
  compileOutput: z.string().nullable(),
  message: z.string().nullable(),
  exitCode: z.number().int().nullable(),
  exitSignal: z.number().int().nullable(),
  /** CPU seconds of the run (Judge0's `time`), null when the program never ran. */
  time: z.number().nullable(),
  /** Wall-clock seconds of the run. */
  wallTime: z.number().nullable(),
  /** Kilobytes (Judge0's `memory`). */
  memory: z.number().nullable(),
});
export type SubmissionResult = z.infer<typeof SubmissionResultSchema>;

/**
 * One submission as stored. `token` is the key; `state`, `finishedAt` and `callbackUrl` are what
 * a store, queue or delivery may need to read. `request` (the native execution request the
 * worker runs, already validated and clamped) and `input` (the Judge0 input fields as accepted,
 * echoed back by GET) belong to the API layer: stores keep them as they are.
 */
export const SubmissionSchema = z.object({
  token: z.string().min(1),
  state: z.enum(SUBMISSION_STATES),
  /** ISO 8601 with milliseconds, UTC (`2024-01-01T12:00:00.000Z`). */
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  /** The body for ExecutionService.prepare (`POST /api/execute`'s shape). */
  request: z.record(z.string(), z.unknown()),
  /** Judge0 input fields as accepted (defaults applied, limits clamped), for echoing back. */
  input: z.record(z.string(), z.unknown()),
  /** Present once `state` is `finished`. */
  result: SubmissionResultSchema.nullable(),
  /** Where Judge0's callback goes when the submission finishes; null for none. */
  callbackUrl: z.string().nullable(),
  /** Null until a delivery was attempted. */
  callback: CallbackOutcomeSchema.nullable(),
});
export type Submission = z.infer<typeof SubmissionSchema>;

/** The fields of a stored submission a later step may change (the token never changes). */
export type SubmissionPatch = Partial<Omit<Submission, 'token'>>;

/**
 * Where submissions are kept. How long they live (SUBMISSION_TTL_MS in Redis) and how many are
 * kept (MAX_SUBMISSIONS_STORED in memory, oldest finished dropped first) is the implementation's
 * business; a dropped or expired submission simply reads as undefined.
 */
export interface SubmissionStore {
  /** Stores a new submission (or replaces one with the same token). */
  put(submission: Submission): Promise<void>;
  /** The submission, or undefined when unknown, expired or dropped. */
  get(token: string): Promise<Submission | undefined>;
  /** The submissions in the order of `tokens`, undefined for each unknown one. */
  getMany(tokens: readonly string[]): Promise<(Submission | undefined)[]>;
  /** Merges `patch` into the stored submission; returns the result, undefined when unknown. */
  update(token: string, patch: SubmissionPatch): Promise<Submission | undefined>;
  /** Releases timers or connections; the store is not used afterwards. */
  close(): Promise<void>;
}

/** Handles one queued submission: runs it and records the outcome in the store. */
export type SubmissionHandler = (token: string) => Promise<void>;

/**
 * Submissions waiting for a worker. `add` refuses with SubmissionQueueFullError (503, Judge0's
 * `queue is full`) when MAX_SUBMISSION_QUEUE submissions already wait. A handler that throws has
 * failed the job: the implementation retries it or gives up, and the handler is expected to
 * record an Internal Error itself for failures it can tell are final.
 */
export interface SubmissionQueue {
  /** Queues a stored submission by token; throws SubmissionQueueFullError when full. */
  add(token: string): Promise<void>;
  /** Starts workers: at most `concurrency` handlers run at once in this process. */
  process(handler: SubmissionHandler, concurrency: number): void;
  /** Submissions waiting (not yet taken by a worker), for /health and metrics. */
  waiting(): Promise<number>;
  /** Stops taking jobs and waits for the running handlers to finish. */
  close(): Promise<void>;
}

/**
 * Sends Judge0's callback (a PUT of the submission as JSON) for a finished submission that has a
 * `callbackUrl`, signed and retried per issue #18, recording the outcome in the store's
 * `callback`. Resolves once the delivery is under way or done; never rejects for a receiver's
 * failure. The JSON body comes from the `CallbackBody` the implementation was built with.
 */
export interface CallbackDelivery {
  deliver(submission: Submission): Promise<void>;
  /** Stops pending retries (in memory) or their workers (Redis); waits for attempts under way. */
  close(): Promise<void>;
}

/**
 * Renders a finished submission as the callback's JSON body. Judge0 sends its default fields,
 * base64-encoded; the Judge0 module supplies this (`judge0CallbackBody`).
 */
export type CallbackBody = (submission: Submission) => unknown;
