import type { PreparedExecution } from './execution-service.js';

/** Distinct request bodies remembered; the oldest is forgotten first. */
export const MAX_MEMO_ENTRIES = 256;
/** Longer bodies are prepared every time (they are rarely repeated, and would fill memory). */
export const MAX_MEMO_TEXT_LENGTH = 16 * 1024;

/**
 * Request bodies seen recently, as their exact JSON text, with what they were prepared into
 * (validated, runtime resolved, Piston request built, cache key hashed). A page that embeds one
 * snippet for every visitor sends the same text over and over; recognising it skips all of that
 * work, about a tenth of a result-cache hit's CPU (docs/benchmarks.md). At most
 * 256 texts of 16 KiB and their prepared requests: a few MB at worst. The same text always
 * prepares the same way as long as the runtime list is the same, so each entry carries the
 * runtime cache's generation and is not used once the list has changed.
 */
export interface PreparedMemo {
  /** Whether the text was prepared before, under any runtime list. */
  has(text: string): boolean;
  get(text: string, generation: number): PreparedExecution | undefined;
  set(text: string, generation: number, prepared: PreparedExecution): void;
}

export function createPreparedMemo(
  options: { maxEntries?: number; maxTextLength?: number } = {},
): PreparedMemo {
  const maxEntries = options.maxEntries ?? MAX_MEMO_ENTRIES;
  const maxTextLength = options.maxTextLength ?? MAX_MEMO_TEXT_LENGTH;
  const entries = new Map<string, { generation: number; prepared: PreparedExecution }>();
  return {
    has: (text) => entries.has(text),
    get(text, generation) {
      const entry = entries.get(text);
      if (entry === undefined) return undefined;
      if (entry.generation === generation) return entry.prepared;
      entries.delete(text);
      return undefined;
    },
    set(text, generation, prepared) {
      if (text.length > maxTextLength) return;
      entries.delete(text);
      if (entries.size >= maxEntries) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
      entries.set(text, { generation, prepared });
    },
  };
}
