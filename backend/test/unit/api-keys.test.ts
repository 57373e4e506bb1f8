import { describe, expect, it } from 'vitest';
import { apiRequestLimit, createKeyLookup, loadApiKeys } from '../../src/auth/api-keys.js';
import { ConfigError } from '../../src/config.js';

const KEY_A = 'a'.repeat(32);
const KEY_B = 'b'.repeat(32);

describe('loadApiKeys', () => {
  it('when API_KEYS is unset or empty, then there are no keys', async () => {
    expect(await loadApiKeys(undefined)).toEqual([]);
    expect(await loadApiKeys('  ')).toEqual([]);
  });

  it('when entries are inline, then each becomes a key with its limit', async () => {
    expect(await loadApiKeys(`acme:${KEY_A}:500, beta:${KEY_B}:5`)).toEqual([
      { name: 'acme', key: KEY_A, limit: 500 },
      { name: 'beta', key: KEY_B, limit: 5 },
    ]);
  });

  it('when the value is a .json path, then the file is read', async () => {
    const files: Record<string, string> = {
      '/etc/keys.json': JSON.stringify([{ name: 'acme', key: KEY_A, limit: 7 }]),
    };
    const read = (path: string) => Promise.resolve(files[path] ?? '');

    expect(await loadApiKeys('/etc/keys.json', read)).toEqual([
      { name: 'acme', key: KEY_A, limit: 7 },
    ]);
  });

  it.each([
    ['acme:short:5', /at least 16/],
    [`acme:${KEY_A}`, /not name:key:limit/],
    [`acme:${KEY_A}:0`, /entry 1 limit/],
    [`acme:${KEY_A}:x`, /entry 1 limit/],
    [`acme:${KEY_A}:5,acme:${KEY_B}:5`, /entry 2 name is a duplicate/],
    [`a:${KEY_A}:5,b:${KEY_A}:5`, /entry 2 key is a duplicate/],
    [`bad name:${KEY_A}:5`, /entry 1 name/],
  ])('when API_KEYS is %j, then loading fails naming the problem', async (raw, message) => {
    await expect(loadApiKeys(raw)).rejects.toThrow(message);
  });

  it('when several entries are bad, then one ConfigError lists each by number', async () => {
    const error: unknown = await loadApiKeys(`a:${KEY_A}:5:x,,b:short:x,a:${KEY_B}:2`).catch(
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      {
        key: 'API_KEYS',
        message: 'entry 1 is not name:key:limit (it has 4 parts; keys may not contain ":" or ",")',
      },
      { key: 'API_KEYS', message: 'entry 3 key must be at least 16 characters' },
      { key: 'API_KEYS', message: 'entry 3 limit must be a whole number of executions per window' },
    ]);
  });

  it('when the JSON file has bad entries, then they are reported in the same format', async () => {
    const read = () =>
      Promise.resolve(
        JSON.stringify([
          { name: 'acme', key: KEY_A, limit: 7 },
          { name: 'acme', key: KEY_B, limit: 7 },
          { name: 'beta', key: KEY_B },
          { name: 'gamma', key: KEY_B, limit: 1, extra: true },
          'delta',
        ]),
      );
    const error: unknown = await loadApiKeys('/etc/keys.json', read).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error)).toBe(
      [
        'ConfigError: Invalid configuration:',
        '  - API_KEYS: entry 2 name is a duplicate',
        '  - API_KEYS: entry 3 limit is required',
        '  - API_KEYS: entry 4 has unknown fields: extra (expected name, key, limit)',
        '  - API_KEYS: entry 5 must be an object { name, key, limit }',
      ].join('\n'),
    );
  });

  it('when the JSON file is not a list, then the error says what it must hold', async () => {
    const read = () => Promise.resolve('{"name":"acme"}');
    await expect(loadApiKeys('/etc/keys.json', read)).rejects.toThrow(
      'API_KEYS: /etc/keys.json must hold a JSON array of { name, key, limit }',
    );
  });

  it('when loading fails, then the message never contains a secret', async () => {
    const error = await loadApiKeys(`a:${KEY_A}:5,b:${KEY_A}:0`).catch((e: unknown) => e);
    expect(String(error)).not.toContain(KEY_A);
  });

  it('when the file cannot be read, then the error says which file', async () => {
    const read = () => Promise.reject(new Error('ENOENT'));
    await expect(loadApiKeys('/missing.json', read)).rejects.toThrow(
      'API_KEYS: cannot read /missing.json: ENOENT',
    );
  });
});

describe('createKeyLookup', () => {
  it('when a configured key is presented, then its entry is found; otherwise nothing', async () => {
    const lookup = createKeyLookup(await loadApiKeys(`acme:${KEY_A}:5,beta:${KEY_B}:9`));

    expect(lookup(KEY_B)?.name).toBe('beta');
    expect(lookup(`${KEY_A}x`)).toBeUndefined();
    expect(lookup('')).toBeUndefined();
  });
});

describe('apiRequestLimit', () => {
  const limits = { RATE_LIMIT_MAX: 100, EXECUTE_RATE_LIMIT_MAX: 20 };

  it('when there is no key, then it is the anonymous limit', () => {
    expect(apiRequestLimit(undefined, limits)).toBe(100);
  });

  it('when a key may run more executions, then the limit grows in the same proportion', () => {
    expect(apiRequestLimit(1000, limits)).toBe(5000);
    expect(apiRequestLimit(21, limits)).toBe(105);
  });

  it('when a key may run fewer executions, then the anonymous limit still applies', () => {
    expect(apiRequestLimit(5, limits)).toBe(100);
  });
});
