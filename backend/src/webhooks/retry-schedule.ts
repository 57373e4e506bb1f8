/** The first retry waits about this long; each further one this factor longer. */
export const FIRST_RETRY_MS = 5_000;
export const RETRY_FACTOR = 3;
/** No wait is longer, whatever the backoff or a receiver's Retry-After asks. */
export const MAX_RETRY_DELAY_MS = 3 * 60 * 60 * 1000;

/** How the waits between attempts grow; tests shrink the times. */
export interface RetrySchedule {
  firstRetryMs: number;
  factor: number;
  maxDelayMs: number;
}

/** The production schedule: 5 s, 15 s, 45 s, ... 3 h, so ten attempts span about seven hours. */
export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = {
  firstRetryMs: FIRST_RETRY_MS,
  factor: RETRY_FACTOR,
  maxDelayMs: MAX_RETRY_DELAY_MS,
};

/**
 * The wait before the next attempt after `attemptsMade` failed ones: exponential backoff with
 * "equal jitter" (half fixed, half random, so retries of many callbacks do not arrive together),
 * never shorter than the receiver's Retry-After, never longer than the schedule's cap.
 * @see https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */
export function retryDelayMs(
  attemptsMade: number,
  retryAfterMs: number | undefined,
  schedule: RetrySchedule = DEFAULT_RETRY_SCHEDULE,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, attemptsMade - 1);
  const backoff = Math.min(
    schedule.maxDelayMs,
    schedule.firstRetryMs * schedule.factor ** exponent,
  );
  const jittered = backoff / 2 + (random() * backoff) / 2;
  return Math.round(Math.min(schedule.maxDelayMs, Math.max(jittered, retryAfterMs ?? 0)));
}

/** Longest Retry-After value read; an HTTP date is 29 characters. */
const MAX_RETRY_AFTER_LENGTH = 64;

/**
 * Reads a Retry-After header (RFC 9110 §10.2.3): delay-seconds or an HTTP date. Anything else,
 * or a date in the past, is undefined (the backoff alone decides).
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.length > MAX_RETRY_AFTER_LENGTH) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date) || date <= now) return undefined;
  return date - now;
}
