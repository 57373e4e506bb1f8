import { describe, expect, it } from 'vitest';
import { apiRequestLimit, createKeyLookup, loadApiKeys } from '../../src/auth/api-keys.js';

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

  it('when loading fails, then the message never contains a secret', async () => {
    const error = await loadApiKeys(`a:${KEY_A}:5,b:${KEY_A}:0`).catch((e: unknown) => e);
    expect(String(error)).not.toContain(KEY_A);
  });

  it('when the file cannot be read, then the error says which file', async () => {
    const read = () => Promise.reject(new Error('ENOENT'));
    await expect(loadApiKeys('/missing.json', read)).rejects.toThrow('/missing.json');
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
