import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { boundedHeapBytes, heapLimitWarning, HEAP_HEADROOM_BYTES } from '../../src/heap-limit.js';

const MiB = 1024 * 1024;
const config = (env: Record<string, string> = {}) =>
  loadConfig({ PISTON_URL: 'http://piston:2000', ...env });

/** V8's heap limit in a node started with `npm start`'s flags. */
function npmStartHeapLimit(): number {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } };
  const flags = pkg.scripts.start.split(' ').filter((arg) => arg.startsWith('--'));
  const out = execFileSync(process.execPath, [
    ...flags,
    '-p',
    'require("node:v8").getHeapStatistics().heap_size_limit',
  ]);
  return Number(out.toString().trim());
}

describe('heapLimitWarning', () => {
  it('when the settings bound less than the heap limit leaves room for, then there is no warning', () => {
    const settings = config();

    expect(heapLimitWarning(settings, boundedHeapBytes(settings) + HEAP_HEADROOM_BYTES)).toBe(
      undefined,
    );
  });

  it('when live runs at their largest cap would not fit the heap, then it warns with the numbers', () => {
    const settings = config({ MAX_CONCURRENT_EXECUTIONS: '32', MAX_STREAM_OUTPUT_BYTES: '16mb' });

    const warning = heapLimitWarning(settings, 1024 * MiB);

    expect(warning?.key).toBe('MAX_STREAM_OUTPUT_BYTES');
    expect(warning?.message).toContain(`${1536 + 128} MB`); // live runs and stored submissions
    expect(warning?.message).toContain('heap limit of 1024 MB');
    expect(warning?.message).toContain('--max-old-space-size');
  });

  it('when the result cache and submissions are in memory, then they count; in Redis, they do not', () => {
    const cached = { RESULT_CACHE_TTL_MS: '60000', RESULT_CACHE_MAX_BYTES: String(64 * MiB) };
    const redis = { REDIS_URL: 'redis://127.0.0.1:6379' };
    const live = boundedHeapBytes(config(redis));

    expect(boundedHeapBytes(config(cached)) - live).toBe(64 * MiB + 128 * MiB);
    expect(boundedHeapBytes(config({ MAX_SUBMISSIONS_STORED_BYTES: '1mb' })) - live).toBe(MiB);
    expect(boundedHeapBytes(config({ ...cached, ...redis }))).toBe(live);
    expect(boundedHeapBytes(config({ SUBMISSIONS_REDIS_URL: 'redis://127.0.0.1:6380' }))).toBe(
      live,
    );
  });

  it('when started as npm start starts it, then the defaults and the largest output cap fit its heap', () => {
    const limit = npmStartHeapLimit();

    expect(heapLimitWarning(config(), limit)).toBe(undefined);
    expect(
      heapLimitWarning(
        config({ MAX_STREAM_OUTPUT_BYTES: '16mb', RESULT_CACHE_TTL_MS: '60000' }),
        limit,
      ),
    ).toBe(undefined);
  });
});
