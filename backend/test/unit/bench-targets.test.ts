import { describe, expect, it } from 'vitest';
import type { LoadResult } from '../../bench/load.js';
import type { OpenLoopResult } from '../../bench/open-loop.js';
import { overheadTargets, type Round } from '../../bench/overhead.js';
import { overloadTargets } from '../../bench/overload.js';
import { loadBenchSettings } from '../../bench/settings.js';
import { median, spread } from '../../bench/stats.js';
import { evaluateTarget, exitCodeFor, formatTargets, type Target } from '../../bench/targets.js';

const load = (requestsPerSecond: number, p50Ms: number, failed = 0): LoadResult => ({
  requestsPerSecond,
  p50Ms,
  p99Ms: p50Ms * 2,
  ok: 1000,
  failed,
});

const target = (over: Partial<Target>): Target => ({
  section: 's',
  name: 'n',
  kind: 'max',
  bound: 1,
  values: [1],
  ...over,
});

describe('bench median', () => {
  it('when the count is odd or even, then it is the middle value or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe('evaluateTarget', () => {
  it('when the median is at a max bound, then it passes; above it, it fails', () => {
    expect(evaluateTarget(target({ values: [0.5, 1, 9] })).status).toBe('PASS');
    expect(evaluateTarget(target({ values: [0.5, 1.01, 9] })).status).toBe('FAIL');
  });

  it('when a min target is judged, then the median must reach the bound', () => {
    const t = target({ kind: 'min', bound: 0.15 });
    expect(evaluateTarget({ ...t, values: [0.1, 0.16, 0.2] })).toMatchObject({
      measured: 0.16,
      status: 'PASS',
    });
    expect(evaluateTarget({ ...t, values: [0.1, 0.14, 0.2] }).status).toBe('FAIL');
  });

  it('when nothing was timed (NaN), then it fails either way', () => {
    expect(evaluateTarget(target({ values: [Number.NaN] })).status).toBe('FAIL');
    expect(evaluateTarget(target({ kind: 'min', values: [Number.NaN] })).status).toBe('FAIL');
  });

  it('when the aggregate is the total, then one bad round is enough to fail', () => {
    const t = target({ bound: 0, aggregate: 'total', values: [0, 3, 0] });
    expect(evaluateTarget(t)).toMatchObject({ measured: 3, status: 'FAIL' });
  });

  it('when the row was not measured, then the target is NOT RUN, not a pass', () => {
    expect(evaluateTarget(target({ values: [] })).status).toBe('NOT RUN');
  });
});

describe('overheadTargets', () => {
  // The floor and the gateway compared round by round against the same round's direct run.
  const round = (direct: LoadResult, floor: LoadResult, gateway: LoadResult): Round => ({
    direct,
    floor,
    gateway,
  });

  it('when the 50 ms / 16 row was measured, then the gateway is judged on its p50 over the floor, round by round', () => {
    const rows = [
      {
        delayMs: 50,
        connections: 16,
        rounds: [
          // A slow round lifts every side; only the gateway-over-floor gap counts.
          round(load(310, 51), load(305, 52), load(300, 53)),
          round(load(300, 55), load(295, 57), load(290, 58.4)),
          round(load(310, 51), load(305, 52), load(300, 56)),
        ],
      },
    ];
    const results = overheadTargets(rows).map(evaluateTarget);
    const p50 = results.find((t) => t.name.startsWith('50 ms / 16'))!;

    expect(p50.values.map((v) => Number(v.toFixed(2)))).toEqual([1, 1.4, 4]);
    expect(p50.measured).toBeCloseTo(1.4);
    expect(p50.status).toBe('PASS');
    // The rows this run left out are not judged.
    expect(results.find((t) => t.name.startsWith('50 ms / 64'))!.status).toBe('NOT RUN');
    expect(results.find((t) => t.name.startsWith('0 ms / 64'))!.status).toBe('NOT RUN');
  });

  it('when the throughput rows were measured, then shares are taken against the same round', () => {
    const rows = [
      {
        delayMs: 50,
        connections: 64,
        rounds: [1, 2, 3].map(() => round(load(1200, 51), load(1170, 52), load(1100, 53))),
      },
      {
        delayMs: 0,
        connections: 64,
        rounds: [1, 2, 3].map(() => round(load(25000, 2), load(9000, 7), load(1400, 40, 2))),
      },
    ];
    const results = overheadTargets(rows).map(evaluateTarget);
    const share = results.find((t) => t.name.startsWith('50 ms / 64'))!;
    const keep = results.find((t) => t.name.startsWith('0 ms / 64'))!;
    const failed = results.find((t) => t.name.startsWith('failed'))!;

    expect(share.measured).toBeCloseTo((1170 - 1100) / 1200);
    expect(share.status).toBe('FAIL');
    expect(keep.measured).toBeCloseTo(1400 / 9000);
    expect(keep.status).toBe('PASS');
    expect(failed).toMatchObject({ measured: 6, status: 'FAIL' });
  });
});

describe('overloadTargets', () => {
  const run = (okPerSecond: number, timelyPerSecond: number): OpenLoopResult => ({
    offeredPerSecond: 240,
    ok: { count: 0, perSecond: okPerSecond, p50Ms: 900, p99Ms: 930 },
    timely: { count: 0, perSecond: timelyPerSecond },
    overloaded: { count: 0, p99Ms: 5 },
    upstreamTimeouts: 0,
    otherFailures: 0,
  });

  it('when the limit off ends more requests but late, then the limit wins on the timely ones', () => {
    const targets = overloadTargets([run(75, 75), run(76, 75)], run(79, 3));
    const versusOff = targets.find((t) => t.name.includes('over limit off'));

    expect(versusOff?.values).toEqual([25, 25]);
    expect(versusOff && evaluateTarget(versusOff).status).toBe('PASS');
  });
});

describe('formatTargets', () => {
  it('when printed, then every target shows its bound, the measured median and its verdict', () => {
    const results = [
      evaluateTarget(target({ name: 'added p50', bound: 1.5, unit: 'ms', values: [1, 2, 1.2] })),
      evaluateTarget(target({ name: 'kept', kind: 'min', bound: 0.15, values: [] })),
    ];
    const text = formatTargets(results, 3);

    expect(text).toContain('| s | added p50 | ≤ 1.50 ms | 1.20 (1.00–2.00), median of 3 | PASS |');
    expect(text).toContain('| s | kept | ≥ 0.15 | not measured | NOT RUN |');
    expect(text).toContain('1 passed, 0 failed, 1 not run.');
    expect(text).not.toContain('Indicative');
  });

  it('when fewer than three rounds ran, then the verdicts are marked indicative', () => {
    expect(formatTargets([evaluateTarget(target({}))], 1)).toContain('Indicative only: 1 round(s)');
  });
});

describe('exitCodeFor', () => {
  const pass = evaluateTarget(target({ values: [0] }));
  const fail = evaluateTarget(target({ values: [2] }));
  const notRun = evaluateTarget(target({ values: [] }));

  it('when strict and a target failed, then the bench exits 1; otherwise 0', () => {
    expect(exitCodeFor([pass, fail], true)).toBe(1);
    expect(exitCodeFor([pass, notRun], true)).toBe(0);
    expect(exitCodeFor([pass, fail], false)).toBe(0);
  });
});

describe('loadBenchSettings', () => {
  it('when nothing is set, then three rounds of every section are run and the exit code is 0', () => {
    expect(loadBenchSettings({})).toMatchObject({
      rounds: 3,
      durationS: 10,
      warmupS: 2,
      overloadS: 30,
      delaysMs: [50, 0],
      connections: [1, 16, 64],
      only: ['overhead', 'overload', 'cache', 'scale', 'live', 'submissions'],
      strict: false,
      quick: false,
    });
  });

  it('when a flag and a variable both set the rounds, then the flag wins', () => {
    expect(loadBenchSettings({ BENCH_ROUNDS: '4' }).rounds).toBe(4);
    expect(loadBenchSettings({ BENCH_ROUNDS: '4' }, ['--rounds', '5']).rounds).toBe(5);
    // The variable's earlier name is still read.
    expect(loadBenchSettings({ BENCH_REPEATS: '2' }).rounds).toBe(2);
  });

  it('when --quick is given, then the runs are short unless a duration is set', () => {
    expect(loadBenchSettings({}, ['--quick'])).toMatchObject({
      quick: true,
      durationS: 2,
      warmupS: 1,
      overloadS: 5,
    });
    expect(loadBenchSettings({ BENCH_QUICK: '1', BENCH_DURATION_S: '3' }).durationS).toBe(3);
  });

  it("when BENCH_NODE_FLAGS is set, then the gateway gets those flags instead of npm start's", () => {
    expect(loadBenchSettings({}).nodeFlags).toBeUndefined();
    expect(
      loadBenchSettings({
        BENCH_NODE_FLAGS: ' --max-semi-space-size=16  --max-old-space-size=256 ',
      }).nodeFlags,
    ).toEqual(['--max-semi-space-size=16', '--max-old-space-size=256']);
  });

  it('when the sections are named, then the old name redis means scale', () => {
    expect(loadBenchSettings({ BENCH_ONLY: 'cache, redis' }).only).toEqual(['cache', 'scale']);
    expect(loadBenchSettings({}, ['--only', 'overhead']).only).toEqual(['overhead']);
  });

  it.each([
    [{ BENCH_ROUNDS: '0' }, [], /rounds must be a positive whole number/],
    [{ BENCH_ROUNDS: 'three' }, [], /rounds must be a positive whole number/],
    [{}, ['--rounds', '2.5'], /rounds must be a positive whole number/],
    [{ BENCH_DURATION_S: '-1' }, [], /BENCH_DURATION_S must be a positive number/],
    [{ BENCH_CONNECTIONS: '16,x' }, [], /BENCH_CONNECTIONS/],
    [{ BENCH_ONLY: 'overhead,speed' }, [], /unknown bench section "speed"/],
    [{ BENCH_ROUNDS: '1' }, ['--strict'], /--strict needs at least 3 rounds/],
    [{}, ['--round', '3'], /Unknown option '--round'/],
    [{ BENCH_NODE_FLAGS: '--expose-gc other.js' }, [], /"other.js", which is not a --flag/],
  ])('when given %o %o, then it refuses with a clear message', (env, argv, message) => {
    expect(() => loadBenchSettings(env, argv)).toThrow(message);
  });
});

describe('bench spread', () => {
  it('when a round timed nothing, then the range leaves it out and says so', () => {
    expect(spread([2, Number.NaN, 1, 3])).toBe('2.00 (1.00–3.00, 1 n/a)');
    expect(spread([5])).toBe('5.00');
    expect(spread([Number.NaN, Number.NaN])).toBe('n/a (2 n/a)');
  });
});
