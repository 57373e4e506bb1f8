// Small statistics and formatting helpers shared by the bench's sections.

/** The median of some values (the mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A number with fixed digits, or `n/a` for NaN and infinities. */
export function fmt(n: number, digits = 2): string {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}

/**
 * The median, and the range in brackets when there is more than one value. Rounds with nothing
 * to time (NaN: no successful response) are left out and counted.
 */
export function spread(values: readonly number[], digits = 2): string {
  const timed = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  const missing = values.length - timed.length;
  const note = missing > 0 ? `, ${missing} n/a` : '';
  const m = fmt(median(timed), digits);
  if (timed.length <= 1) return missing > 0 && values.length > 1 ? `${m} (${missing} n/a)` : m;
  return `${m} (${fmt(timed[0]!, digits)}–${fmt(timed.at(-1)!, digits)}${note})`;
}

/** One Markdown table row from its cells. */
export function tableRow(cells: readonly (string | number)[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** A Markdown table's header and separator lines. */
export function tableHead(cells: readonly string[]): string {
  return `${tableRow(cells)}\n${tableRow(cells.map(() => '---'))}`;
}
