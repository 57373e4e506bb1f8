import { describe, expect, it } from 'vitest';
import type { PreparedExecution } from '../../src/execution/execution-service.js';
import { createPreparedMemo } from '../../src/execution/prepared-memo.js';

const prepared = (version: string) =>
  ({ runtime: { language: 'python', version, aliases: [] } }) as unknown as PreparedExecution;

describe('createPreparedMemo', () => {
  it('when the same text comes back under the same runtime list, then its preparation is reused', () => {
    const memo = createPreparedMemo();
    const first = prepared('3.11.2');
    memo.set('{"language":"python"}', 1, first);

    expect(memo.has('{"language":"python"}')).toBe(true);
    expect(memo.has('{"language": "python"}')).toBe(false);
    expect(memo.get('{"language":"python"}', 1)).toBe(first);
    expect(memo.get('{"language": "python"}', 1)).toBeUndefined();
  });

  it('when the runtime list has changed since, then the entry is not used', () => {
    const memo = createPreparedMemo();
    memo.set('x', 1, prepared('3.11.2'));

    expect(memo.get('x', 2)).toBeUndefined();
    // Forgotten, not kept for a later match.
    expect(memo.get('x', 1)).toBeUndefined();
  });

  it('when it is full, then the oldest text is forgotten first', () => {
    const memo = createPreparedMemo({ maxEntries: 2 });
    memo.set('a', 1, prepared('1'));
    memo.set('b', 1, prepared('2'));
    memo.set('c', 1, prepared('3'));

    expect(memo.get('a', 1)).toBeUndefined();
    expect(memo.get('b', 1)).toBeDefined();
    expect(memo.get('c', 1)).toBeDefined();
  });

  it('when a text is longer than the limit, then it is not kept', () => {
    const memo = createPreparedMemo({ maxTextLength: 4 });
    memo.set('12345', 1, prepared('1'));

    expect(memo.get('12345', 1)).toBeUndefined();
  });
});
