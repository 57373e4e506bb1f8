import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError } from '../config-error.js';

/** One API key: a name for logs and usage, the secret, and its executions per window. */
export const ApiKeySchema = z.strictObject({
  name: z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 letters, digits, . _ -'),
  key: z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
    .min(16, 'must be at least 16 characters')
    .max(256, 'must be at most 256 characters'),
  limit: z
    .number({
      error: (issue) =>
        issue.input === undefined
          ? 'is required'
          : 'must be a whole number of executions per window',
    })
    .int('must be a whole number of executions per window')
    .positive('must be at least 1'),
});
export type ApiKey = z.infer<typeof ApiKeySchema>;

/**
 * How many `/api` requests of any kind a caller may make per `RATE_LIMIT_WINDOW_MS`: the anonymous
 * limit, scaled for an API key by how many more executions the key may run than an anonymous
 * client (never below the anonymous limit). Without the scaling a key allowed 1,000 executions
 * would still be stopped after `RATE_LIMIT_MAX` requests.
 */
export function apiRequestLimit(
  keyLimit: number | undefined,
  limits: { RATE_LIMIT_MAX: number; EXECUTE_RATE_LIMIT_MAX: number },
): number {
  const anonymous = limits.RATE_LIMIT_MAX;
  if (keyLimit === undefined) return anonymous;
  return Math.max(anonymous, Math.ceil((anonymous * keyLimit) / limits.EXECUTE_RATE_LIMIT_MAX));
}

/**
 * Parses API_KEYS: either inline `name:key:limit` entries separated by commas, or the path of a
 * JSON file holding `[{ "name", "key", "limit" }]` (a value ending in `.json`). Throws a
 * ConfigError (key `API_KEYS`) listing every bad entry by number, never the secrets themselves.
 */
export async function loadApiKeys(
  raw: string | undefined,
  read: (path: string) => Promise<string> = (path) => readFile(path, 'utf8'),
): Promise<ApiKey[]> {
  if (!raw?.trim()) return [];
  const value = raw.trim();
  const { keys, problems } = isJsonPath(value)
    ? checkEntries(await readJsonEntries(value, read))
    : parseInline(value);
  if (problems.length > 0) {
    throw new ConfigError(problems.map((message) => ({ key: 'API_KEYS', message })));
  }
  return keys;
}

/**
 * Every problem of an inline API_KEYS value (`entry 2 key must be at least 16 characters`, ...),
 * for loadConfig to report with the other settings; none for a .json path (read later).
 */
export function inlineApiKeyProblems(raw: string): string[] {
  const value = raw.trim();
  return value === '' || isJsonPath(value) ? [] : parseInline(value).problems;
}

function isJsonPath(value: string): boolean {
  return value.endsWith('.json');
}

/** An entry to check: its number as the operator counts (from 1), and what it holds. */
type Entry = { number: number; candidate: unknown } | { number: number; problem: string };

function parseInline(value: string): { keys: ApiKey[]; problems: string[] } {
  const entries = value.split(',').flatMap((text, index): Entry[] => {
    const entry = text.trim();
    if (entry === '') return [];
    const number = index + 1;
    const parts = entry.split(':');
    const [name, key, limit] = parts;
    if (parts.length !== 3 || limit === undefined) {
      const problem = `entry ${number} is not name:key:limit (it has ${parts.length} part${parts.length === 1 ? '' : 's'}; keys may not contain ":" or ",")`;
      return [{ number, problem }];
    }
    const count = /^\s*\d+\s*$/.test(limit) ? Number(limit) : limit.trim() || undefined;
    return [{ number, candidate: { name, key, limit: count } }];
  });
  return checkEntries(entries);
}

async function readJsonEntries(
  path: string,
  read: (path: string) => Promise<string>,
): Promise<Entry[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await read(path));
  } catch (error) {
    throw new ConfigError([
      { key: 'API_KEYS', message: `cannot read ${path}: ${(error as Error).message}` },
    ]);
  }
  if (!Array.isArray(parsed)) {
    throw new ConfigError([
      { key: 'API_KEYS', message: `${path} must hold a JSON array of { name, key, limit }` },
    ]);
  }
  return parsed.map((candidate: unknown, index) => ({ number: index + 1, candidate }));
}

/** Validates each entry and the duplicates among them, collecting every problem. */
function checkEntries(entries: readonly Entry[]): { keys: ApiKey[]; problems: string[] } {
  const keys: ApiKey[] = [];
  const problems: string[] = [];
  const names = new Set<string>();
  const secrets = new Set<string>();
  for (const entry of entries) {
    if ('problem' in entry) {
      problems.push(entry.problem);
      continue;
    }
    const parsed = ApiKeySchema.safeParse(entry.candidate);
    if (!parsed.success) {
      problems.push(...parsed.error.issues.map((issue) => problemOf(entry.number, issue)));
      continue;
    }
    const { name, key } = parsed.data;
    if (names.has(name)) problems.push(`entry ${entry.number} name is a duplicate`);
    if (secrets.has(key)) problems.push(`entry ${entry.number} key is a duplicate`);
    names.add(name);
    secrets.add(key);
    keys.push(parsed.data);
  }
  return { keys, problems };
}

function problemOf(number: number, issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `entry ${number} has unknown fields: ${issue.keys.join(', ')} (expected name, key, limit)`;
  }
  const field = issue.path[0];
  if (field === undefined) return `entry ${number} must be an object { name, key, limit }`;
  return `entry ${number} ${String(field)} ${issue.message}`;
}

/** Finds the key a caller presented, comparing digests in constant time. */
export function createKeyLookup(
  keys: readonly ApiKey[],
): (presented: string) => ApiKey | undefined {
  const digests = keys.map((entry) => ({ entry, digest: digest(entry.key) }));
  return (presented) => {
    const wanted = digest(presented);
    let found: ApiKey | undefined;
    // Compare against every key so the time taken does not depend on which one matched.
    for (const candidate of digests) {
      if (timingSafeEqual(candidate.digest, wanted)) found = candidate.entry;
    }
    return found;
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
