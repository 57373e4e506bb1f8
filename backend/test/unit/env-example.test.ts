import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, loadConfig } from '../../src/config.js';

const ENV_EXAMPLE = new URL('../../../.env.example', import.meta.url);

function parseEnvFile(text: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match?.[1]) entries[match[1]] = match[2] ?? '';
  }
  return entries;
}

describe('.env.example', () => {
  const entries = parseEnvFile(readFileSync(ENV_EXAMPLE, 'utf8'));

  it('when compared with the config schema, then it lists exactly the known keys', () => {
    expect(Object.keys(entries).sort()).toEqual([...CONFIG_KEYS].sort());
  });

  it('when loaded as it is, then it equals the defaults', () => {
    expect(loadConfig(entries)).toEqual(loadConfig({}));
  });
});
