import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_SCHEDULE,
  MAX_RETRY_DELAY_MS,
  parseRetryAfter,
  retryDelayMs,
} from '../../src/webhooks/retry-schedule.js';

describe('retryDelayMs', () => {
  it('when attempts fail one after another, then the waits grow exponentially within the jitter', () => {
    const low = [1, 2, 3, 4].map((n) =>
      retryDelayMs(n, undefined, DEFAULT_RETRY_SCHEDULE, () => 0),
    );
    const high = [1, 2, 3, 4].map((n) =>
      retryDelayMs(n, undefined, DEFAULT_RETRY_SCHEDULE, () => 1),
    );
    expect(low).toEqual([2_500, 7_500, 22_500, 67_500]);
    expect(high).toEqual([5_000, 15_000, 45_000, 135_000]);
  });

  it('when ten attempts fail, then the schedule spans hours and no wait passes the cap', () => {
    const waits = Array.from({ length: 9 }, (_, i) => retryDelayMs(i + 1, undefined));
    expect(Math.max(...waits)).toBeLessThanOrEqual(MAX_RETRY_DELAY_MS);
    expect(waits.reduce((a, b) => a + b, 0)).toBeGreaterThan(2 * 60 * 60 * 1000);
  });

  it('when the receiver asks for a longer wait, then Retry-After wins, up to the cap', () => {
    expect(retryDelayMs(1, 60_000, DEFAULT_RETRY_SCHEDULE, () => 1)).toBe(60_000);
    expect(retryDelayMs(1, 10 * MAX_RETRY_DELAY_MS)).toBe(MAX_RETRY_DELAY_MS);
    expect(retryDelayMs(3, 1_000, DEFAULT_RETRY_SCHEDULE, () => 1)).toBe(45_000);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('when it is delay-seconds or a future HTTP date, then it is read in milliseconds', () => {
    expect(parseRetryAfter('7', now)).toBe(7_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
  });

  it('when it is garbage, a past date or absurdly long, then it is ignored', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBeUndefined();
    expect(parseRetryAfter('1'.repeat(100), now)).toBeUndefined();
  });

  it('when an adversarial header or address arrives, then it is read in linear time', () => {
    const started = performance.now();
    for (const unit of ['1', ' ', 'a', ',', ':']) parseRetryAfter(unit.repeat(64), now);
    expect(performance.now() - started).toBeLessThan(200);
  });
});
