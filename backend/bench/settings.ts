// The bench's settings, from flags (npm run bench -- --rounds 5) over environment variables.
import { parseArgs } from 'node:util';
import { MIN_ROUNDS } from './targets.js';

/** Everything a bench section may be told; every section reads these and nothing else. */
export interface BenchSettings {
  /** Alternating rounds per row; targets are judged on their median. */
  rounds: number;
  /** Seconds per measured load run. */
  durationS: number;
  /** Seconds of warm-up per side before a row's rounds. */
  warmupS: number;
  /** Seconds of offered load per overload round. */
  overloadS: number;
  /** Piston answer delays (ms) of the overhead rows. */
  delaysMs: number[];
  /** Connection counts of the overhead rows. */
  connections: number[];
  /** Sections to run, in order. */
  only: string[];
  /** Exit 1 when any target fails. */
  strict: boolean;
  /** Short runs that prove the code paths work; their numbers are not measurements. */
  quick: boolean;
  /** Node flags for the gateway instead of `npm start`'s (to weigh a V8 setting); unset: those. */
  nodeFlags?: string[];
}

/** Which sections run by default, in this order. */
export const SECTION_NAMES = [
  'overhead',
  'overload',
  'cache',
  'scale',
  'live',
  'submissions',
] as const;

const QUICK = { durationS: 2, warmupS: 1, overloadS: 5 };

function positive(name: string, raw: string, integer: boolean): number {
  const n = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new Error(`${name} must be a positive ${integer ? 'whole ' : ''}number, got "${raw}"`);
  }
  return n;
}

function list(name: string, raw: string, allowZero: boolean): number[] {
  return raw.split(',').map((item) => {
    if (allowZero && item.trim() === '0') return 0;
    return positive(name, item, true);
  });
}

const truthy = (value: string | undefined) => value === '1' || value === 'true';

/** BENCH_NODE_FLAGS, space-separated; only flags, so it cannot replace the gateway's script. */
function nodeFlags(raw: string | undefined): { nodeFlags?: string[] } {
  if (raw === undefined || raw.trim() === '') return {};
  const flags = raw.trim().split(/\s+/);
  const bad = flags.find((flag) => !flag.startsWith('--'));
  if (bad !== undefined) throw new Error(`BENCH_NODE_FLAGS holds "${bad}", which is not a --flag`);
  return { nodeFlags: flags };
}

/** Reads the bench's settings from its command-line flags and environment; throws on bad values. */
export function loadBenchSettings(
  env: Record<string, string | undefined>,
  argv: readonly string[] = [],
): BenchSettings {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rounds: { type: 'string' },
      only: { type: 'string' },
      strict: { type: 'boolean' },
      quick: { type: 'boolean' },
    },
    strict: true,
  });
  const quick = values.quick ?? truthy(env.BENCH_QUICK);
  const seconds = (key: string, fallback: number) => {
    const raw = env[key];
    return raw === undefined ? fallback : positive(key, raw, false);
  };
  // BENCH_REPEATS is the variable's earlier name, still read.
  const rounds = values.rounds ?? env.BENCH_ROUNDS ?? env.BENCH_REPEATS;
  const settings: BenchSettings = {
    rounds: rounds === undefined ? MIN_ROUNDS : positive('rounds', rounds, true),
    durationS: seconds('BENCH_DURATION_S', quick ? QUICK.durationS : 10),
    warmupS: seconds('BENCH_WARMUP_S', quick ? QUICK.warmupS : 2),
    overloadS: seconds('BENCH_OVERLOAD_S', quick ? QUICK.overloadS : 30),
    delaysMs: list('BENCH_DELAYS_MS', env.BENCH_DELAYS_MS ?? '50,0', true),
    connections: list('BENCH_CONNECTIONS', env.BENCH_CONNECTIONS ?? '1,16,64', false),
    only: (values.only ?? env.BENCH_ONLY ?? SECTION_NAMES.join(','))
      .split(',')
      .map((name) => name.trim())
      // "redis" is the scale section's earlier name.
      .map((name) => (name === 'redis' ? 'scale' : name)),
    strict: values.strict ?? truthy(env.BENCH_STRICT),
    quick,
    ...nodeFlags(env.BENCH_NODE_FLAGS),
  };
  for (const name of settings.only) {
    if (!(SECTION_NAMES as readonly string[]).includes(name)) {
      throw new Error(`unknown bench section "${name}" (known: ${SECTION_NAMES.join(', ')})`);
    }
  }
  if (settings.strict && settings.rounds < MIN_ROUNDS) {
    throw new Error(`--strict needs at least ${MIN_ROUNDS} rounds, got ${settings.rounds}`);
  }
  return settings;
}
