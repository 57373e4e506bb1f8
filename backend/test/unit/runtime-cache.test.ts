import { describe, expect, it } from 'vitest';
import { UpstreamUnavailableError } from '../../src/errors.js';
import type { PistonRuntime } from '../../src/piston/piston-schemas.js';
import { createRuntimeCache } from '../../src/runtimes/runtime-cache.js';

const PYTHON: PistonRuntime = { language: 'python', version: '3.11.2', aliases: ['py'] };
const RUBY: PistonRuntime = { language: 'ruby', version: '3.0.1', aliases: ['rb'] };

/** A scriptable listRuntimes: each call takes the next planned answer, or waits for release(). */
function fakeClient() {
  const plan: (PistonRuntime[] | Error)[] = [];
  let calls = 0;
  let gate: Promise<void> | undefined;
  let open: (() => void) | undefined;
  return {
    client: {
      async listRuntimes() {
        calls += 1;
        if (gate) await gate;
        const next = plan.shift() ?? [PYTHON];
        if (next instanceof Error) throw next;
        return next;
      },
    },
    plan,
    calls: () => calls,
    hold() {
      gate = new Promise((resolve) => (open = resolve));
    },
    release() {
      gate = undefined;
      open?.();
    },
  };
}

function setup(ttlMs = 1000) {
  let clock = 1_000_000;
  const fake = fakeClient();
  const warnings: unknown[] = [];
  const cache = createRuntimeCache({
    client: fake.client,
    ttlMs,
    now: () => clock,
    logger: { warn: (obj: unknown) => warnings.push(obj), info: () => undefined },
    earlyRefreshIntervalMs: 30_000,
  });
  return { cache, fake, warnings, advance: (ms: number) => (clock += ms) };
}

const down = () => new UpstreamUnavailableError('down');

describe('createRuntimeCache', () => {
  it('when the list is fresh, then Piston is not asked again', async () => {
    const { cache, fake, advance } = setup();

    await cache.get();
    advance(999);
    await cache.get();

    expect(fake.calls()).toBe(1);
  });

  it('when the TTL has passed, then the list is fetched again', async () => {
    const { cache, fake, advance } = setup();
    fake.plan.push([PYTHON], [PYTHON, RUBY]);

    await cache.get();
    advance(1000);

    expect(await cache.get()).toEqual([PYTHON, RUBY]);
    expect(fake.calls()).toBe(2);
  });

  it('when many callers miss at once, then they share one upstream call', async () => {
    const { cache, fake } = setup();
    fake.hold();

    const pending = Array.from({ length: 20 }, () => cache.get());
    fake.release();
    const results = await Promise.all(pending);

    expect(fake.calls()).toBe(1);
    expect(new Set(results).size).toBe(1);
  });

  it('when a refresh fails, then the last good list keeps serving and a warning is logged', async () => {
    const { cache, fake, warnings, advance } = setup();
    fake.plan.push([PYTHON], down());

    await cache.get();
    advance(1000);

    expect(await cache.get()).toEqual([PYTHON]);
    expect(warnings).toHaveLength(1);
    expect(cache.snapshot().lastCallOk).toBe(false);
  });

  it('when a refresh has failed, then Piston is not asked again on every request', async () => {
    const { cache, fake, advance } = setup(60_000);
    fake.plan.push([PYTHON], down(), [PYTHON, RUBY]);

    await cache.get();
    advance(60_000);
    await cache.get();
    await cache.get();
    await cache.get();
    expect(fake.calls()).toBe(2);

    advance(5_000);
    expect(await cache.get()).toEqual([PYTHON, RUBY]);
    expect(fake.calls()).toBe(3);
  });

  it('when there is no list yet and Piston fails, then the error reaches the caller', async () => {
    const { cache, fake } = setup();
    fake.plan.push(down());

    await expect(cache.get()).rejects.toBeInstanceOf(UpstreamUnavailableError);
  });

  it('when invalidated, then the next get asks Piston', async () => {
    const { cache, fake } = setup();
    fake.plan.push([PYTHON, RUBY], [PYTHON]);

    await cache.get();
    cache.invalidate();

    expect(await cache.get()).toEqual([PYTHON]);
  });

  it('when an unknown language triggers early refreshes, then they are throttled', async () => {
    const { cache, fake, advance } = setup(3_600_000);

    await cache.get();
    expect(await cache.refreshForUnknownLanguage()).toBe(true);
    expect(await cache.refreshForUnknownLanguage()).toBe(false);
    advance(29_999);
    expect(await cache.refreshForUnknownLanguage()).toBe(false);
    advance(1);
    expect(await cache.refreshForUnknownLanguage()).toBe(true);
    expect(fake.calls()).toBe(3);
  });

  it('when a new list is stored, then the snapshot generation changes', async () => {
    const { cache } = setup();
    expect(cache.snapshot()).toMatchObject({ runtimes: undefined, generation: 0, lastCallAt: 0 });

    await cache.refresh();

    expect(cache.snapshot()).toMatchObject({ runtimes: [PYTHON], generation: 1, lastCallOk: true });
  });
});

describe("createRuntimeCache and Piston's version", () => {
  /** A client whose version answers are scripted: a string, undefined (none said) or an error. */
  function versioned(answers: (string | undefined | Error)[]) {
    const warnings: unknown[] = [];
    const cache = createRuntimeCache({
      client: {
        listRuntimes: () => Promise.resolve([PYTHON]),
        version: () => {
          const next = answers.shift();
          return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
        },
      },
      ttlMs: 1000,
      logger: { warn: (obj: unknown) => warnings.push(obj), info: () => undefined },
    });
    return { cache, warnings };
  }

  it('when Piston stops answering its root, then the last version known stays, without a warning', async () => {
    const { cache, warnings } = versioned(['3.1.1', down()]);

    await cache.refresh();
    await cache.refresh();

    expect(cache.snapshot().version).toBe('3.1.1');
    expect(warnings).toEqual([]);
  });

  it('when the version changes to another major and back, then each version outside 3 is warned about once', async () => {
    const { cache, warnings } = versioned(['3.1.1', '4.0.0', '4.0.0', undefined, '3.2.0']);

    for (let i = 0; i < 5; i += 1) await cache.refresh();

    expect(cache.snapshot().version).toBe('3.2.0');
    expect(warnings).toEqual([
      expect.objectContaining({ pistonVersion: '4.0.0' }),
      expect.objectContaining({ pistonVersion: null }),
    ]);
  });
});
