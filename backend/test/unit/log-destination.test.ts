import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogDestination } from '../../src/log-destination.js';

const flushed = (destination: ReturnType<typeof createLogDestination>) =>
  new Promise<void>((resolve) => destination.flush(() => resolve()));

describe('createLogDestination', () => {
  it('when lines are written and flushed, then they reach the file in order', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'log-')), 'out.log');
    const fd = openSync(path, 'w');
    const destination = createLogDestination({ fd, minLength: 16 });

    for (let i = 0; i < 100; i++) destination.write(`line ${i}\n`);
    await flushed(destination);
    destination.write('last\n');
    destination.flushSync();
    closeSync(fd);

    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(101);
    expect(lines.at(0)).toBe('line 0');
    expect(lines.at(-1)).toBe('last');
  });

  it('when the destination fails, then lines are dropped and neither flush nor flushSync throws or waits', async () => {
    // A descriptor far beyond any this process has open: every write fails (EBADF).
    const destination = createLogDestination({ fd: 1_000_000, minLength: 1 });

    destination.write('lost\n');
    await flushed(destination);
    destination.write('also lost\n');
    destination.flushSync();

    expect(destination.dropped()).toBe(2);
  });

  it('when the destination falls behind, then lines beyond the buffer bound are dropped', () => {
    const destination = createLogDestination({
      fd: 1_000_000,
      minLength: 1000,
      maxBufferBytes: 100,
    });

    for (let i = 0; i < 20; i++) destination.write('0123456789\n');

    expect(destination.dropped()).toBe(11);
  });
});
