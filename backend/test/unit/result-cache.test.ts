import { describe, expect, it } from 'vitest';
import { createCoalescer } from '../../src/execution/coalescer.js';
import {
  createMemoryResultCache,
  isCacheable,
  resultCacheKey,
} from '../../src/execution/result-cache.js';
import { ClientGoneError } from '../../src/errors.js';
import type {
  PistonExecuteRequest,
  PistonExecuteResponse,
} from '../../src/piston/piston-schemas.js';
import type { ExecuteResponse } from '../../src/schemas/execute-response.js';
import { PYTHON_HELLO_REQUEST } from '../support/piston-requests.js';

const REQUEST = PYTHON_HELLO_REQUEST;

const result = (output: string): ExecuteResponse => ({
  success: true,
  output,
  stderr: '',
  exitCode: 0,
  signal: null,
  status: 'ok',
  language: 'python',
  version: '3.11.2',
  truncated: false,
});

/** What the cache keeps: Piston's answer as it came. */
const answer = (stdout: string): PistonExecuteResponse => ({
  language: 'python',
  version: '3.11.2',
  run: { stdout, stderr: '', code: 0, signal: null, output: stdout, message: null, status: null },
});

describe('resultCacheKey', () => {
  it('when two requests are the same, then their keys are equal', () => {
    expect(resultCacheKey(REQUEST)).toBe(resultCacheKey(structuredClone(REQUEST)));
  });

  it.each<[string, Partial<PistonExecuteRequest>]>([
    ['version', { version: '3.12.0' }],
    ['file content', { files: [{ name: 'main.py', content: 'print(2)' }] }],
    ['file name', { files: [{ name: 'other.py', content: 'print("Hello, World!")' }] }],
    [
      'encoding',
      { files: [{ name: 'main.py', content: 'print("Hello, World!")', encoding: 'base64' }] },
    ],
    ['stdin', { stdin: 'x' }],
    ['args', { args: ['a'] }],
    ['run timeout', { run_timeout: 1000 }],
    ['memory limit', { run_memory_limit: 1 }],
  ])('when the %s differs, then the key differs', (_what, change) => {
    expect(resultCacheKey({ ...REQUEST, ...change })).not.toBe(resultCacheKey(REQUEST));
  });
});

describe('createMemoryResultCache', () => {
  it('when an entry is older than the TTL, then it is gone', async () => {
    let clock = 0;
    const cache = createMemoryResultCache({ ttlMs: 1000, maxBytes: 1e6, now: () => clock });
    await cache.set('k', answer('a'));

    clock = 999;
    expect(await cache.get('k')).toEqual(answer('a'));
    clock = 1000;
    expect(await cache.get('k')).toBeUndefined();
    expect(cache.size().entries).toBe(0);
  });

  it('when the byte bound is reached, then the least recently used entries go first', async () => {
    const entryBytes = JSON.stringify(result('x')).length + 1;
    const cache = createMemoryResultCache({ ttlMs: 60_000, maxBytes: entryBytes * 2 });
    await cache.set('a', answer('x'));
    await cache.set('b', answer('y'));
    await cache.get('a');

    await cache.set('c', answer('z'));

    expect(await cache.get('a')).toBeDefined();
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('c')).toBeDefined();
    expect(cache.size().bytes).toBeLessThanOrEqual(entryBytes * 2);
  });

  it('when one result is larger than the whole bound, then it is not stored', async () => {
    const cache = createMemoryResultCache({ ttlMs: 60_000, maxBytes: 10 });
    await cache.set('k', answer('too big'));
    expect(cache.size()).toEqual({ entries: 0, bytes: 0 });
  });

  it('when the result is an internal error, then it is not cacheable', () => {
    expect(isCacheable({ ...result(''), status: 'internal_error', success: false })).toBe(false);
    expect(isCacheable({ ...result(''), status: 'timeout', success: false })).toBe(true);
  });
});

describe('createCoalescer', () => {
  it('when callers share a key while the work runs, then the work runs once', async () => {
    const coalescer = createCoalescer<string>();
    let runs = 0;
    let finish!: (v: string) => void;
    const work = () => {
      runs += 1;
      return new Promise<string>((resolve) => (finish = resolve));
    };

    const all = [coalescer.run('k', work), coalescer.run('k', work), coalescer.run('k', work)];
    finish('done');

    expect(await Promise.all(all)).toEqual([
      { value: 'done', shared: false },
      { value: 'done', shared: true },
      { value: 'done', shared: true },
    ]);
    expect(runs).toBe(1);
    expect((await coalescer.run('k', () => Promise.resolve('again'))).shared).toBe(false);
  });

  it('when a caller has already gone, then no work starts and the key stays free', async () => {
    const coalescer = createCoalescer<string>();
    let runs = 0;
    const work = () => {
      runs += 1;
      return Promise.resolve('done');
    };

    await expect(coalescer.run('k', work, AbortSignal.abort())).rejects.toBeInstanceOf(
      ClientGoneError,
    );
    expect(runs).toBe(0);
    expect(await coalescer.run('k', work)).toEqual({ value: 'done', shared: false });
  });

  it('when one caller leaves, then the others still get the result and the work is not cancelled', async () => {
    const coalescer = createCoalescer<string>();
    let workSignal!: AbortSignal;
    let finish!: (v: string) => void;
    const work = (signal: AbortSignal) => {
      workSignal = signal;
      return new Promise<string>((resolve) => (finish = resolve));
    };
    const leaving = new AbortController();

    const first = coalescer.run('k', work, leaving.signal);
    const second = coalescer.run('k', work, new AbortController().signal);
    leaving.abort();
    finish('done');

    await expect(first).rejects.toBeInstanceOf(ClientGoneError);
    expect((await second).value).toBe('done');
    expect(workSignal.aborted).toBe(false);
  });

  it('when every caller leaves, then the shared work is cancelled', async () => {
    const coalescer = createCoalescer<string>();
    let workSignal!: AbortSignal;
    const work = (signal: AbortSignal) => {
      workSignal = signal;
      return new Promise<string>(() => undefined);
    };
    const a = new AbortController();
    const b = new AbortController();

    const runs = [coalescer.run('k', work, a.signal), coalescer.run('k', work, b.signal)];
    a.abort();
    b.abort();

    await expect(Promise.all(runs)).rejects.toBeInstanceOf(ClientGoneError);
    expect(workSignal.aborted).toBe(true);
  });

  it('when every caller left, then a new caller starts the work afresh instead of joining the cancelled one', async () => {
    const coalescer = createCoalescer<string>();
    const signals: AbortSignal[] = [];
    const work = (signal: AbortSignal) => {
      signals.push(signal);
      return signals.length === 1 ? new Promise<string>(() => undefined) : Promise.resolve('fresh');
    };
    const leaving = new AbortController();
    const abandoned = coalescer.run('k', work, leaving.signal);
    leaving.abort();
    await expect(abandoned).rejects.toBeInstanceOf(ClientGoneError);

    const next = await coalescer.run('k', work, new AbortController().signal);

    expect(next).toEqual({ value: 'fresh', shared: false });
    expect(signals[0]?.aborted).toBe(true);
    expect(signals[1]?.aborted).toBe(false);
  });

  it('when every caller left work already started (sent to Piston), then a new caller joins it instead of starting it twice', async () => {
    const coalescer = createCoalescer<string>();
    let runs = 0;
    let finish!: (v: string) => void;
    const work = (_signal: AbortSignal, started: () => void) => {
      runs += 1;
      started();
      return new Promise<string>((resolve) => (finish = resolve));
    };
    const leaving = new AbortController();
    const abandoned = coalescer.run('k', work, leaving.signal);
    leaving.abort();
    await expect(abandoned).rejects.toBeInstanceOf(ClientGoneError);

    const next = coalescer.run('k', work);
    finish('once');

    expect(await next).toEqual({ value: 'once', shared: true });
    expect(runs).toBe(1);
  });
});
