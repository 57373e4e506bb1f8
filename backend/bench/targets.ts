// The bench's targets: each one a bound on the median (or the total) of a value measured once
// per round, against a baseline measured in the same run (direct Piston, the bare-proxy floor,
// the same gateway's /health) wherever the row has one.
import { fmt, median, spread, tableHead, tableRow } from './stats.js';

/** The fewest rounds whose median the project accepts as a verdict (issue 14, section 6). */
export const MIN_ROUNDS = 3;

/** A target as a section states it, with the value it measured in each round. */
export interface Target {
  section: string;
  /** What is compared, against which same-run baseline. */
  name: string;
  /** `max`: the aggregate must not exceed the bound; `min`: it must reach it. */
  kind: 'max' | 'min';
  bound: number;
  /** Per-round values; empty when the row was not measured (e.g. left out by BENCH_CONNECTIONS). */
  values: readonly number[];
  /** `median` of the rounds (the default), or `total` for counts such as failed requests. */
  aggregate?: 'median' | 'total';
  digits?: number;
  unit?: string;
}

/** PASS or FAIL, or NOT RUN when a target's row was left out of this run. */
export type TargetStatus = 'PASS' | 'FAIL' | 'NOT RUN';

/** A target with its measured aggregate and verdict. */
export interface TargetResult extends Target {
  measured: number;
  status: TargetStatus;
}

/** Aggregates a target's rounds and compares the result with its bound. */
export function evaluateTarget(target: Target): TargetResult {
  if (target.values.length === 0) return { ...target, measured: Number.NaN, status: 'NOT RUN' };
  const measured =
    target.aggregate === 'total' ? target.values.reduce((a, b) => a + b, 0) : median(target.values);
  // NaN (no successful response to time) fails either way.
  const pass = target.kind === 'max' ? measured <= target.bound : measured >= target.bound;
  return { ...target, measured, status: pass ? 'PASS' : 'FAIL' };
}

function describeBound(t: Target): string {
  const unit = t.unit ? ` ${t.unit}` : '';
  return `${t.kind === 'max' ? '≤' : '≥'} ${fmt(t.bound, t.digits ?? 2)}${unit}`;
}

function describeMeasured(t: TargetResult): string {
  const digits = t.digits ?? 2;
  if (t.status === 'NOT RUN') return 'not measured';
  if (t.aggregate === 'total') return `${fmt(t.measured, digits)} (total of ${t.values.length})`;
  return `${spread(t.values, digits)}, median of ${t.values.length}`;
}

/** The targets table: each target, its bound, the measured median (range) and PASS/FAIL. */
export function formatTargets(results: readonly TargetResult[], rounds: number): string {
  const lines = [tableHead(['section', 'target', 'bound', 'measured', 'result'])];
  for (const t of results) {
    lines.push(tableRow([t.section, t.name, describeBound(t), describeMeasured(t), t.status]));
  }
  const failed = results.filter((t) => t.status === 'FAIL').length;
  const passed = results.filter((t) => t.status === 'PASS').length;
  lines.push('');
  lines.push(`${passed} passed, ${failed} failed, ${results.length - passed - failed} not run.`);
  if (rounds < MIN_ROUNDS) {
    lines.push(
      `Indicative only: ${rounds} round(s); a verdict needs the median of at least ${MIN_ROUNDS}.`,
    );
  }
  return lines.join('\n');
}

/** The bench's exit code: 1 when strict and any target failed, else 0 (NOT RUN never fails). */
export function exitCodeFor(results: readonly TargetResult[], strict: boolean): 0 | 1 {
  return strict && results.some((t) => t.status === 'FAIL') ? 1 : 0;
}
