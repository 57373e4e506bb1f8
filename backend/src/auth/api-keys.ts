import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/** One API key: a name for logs and usage, the secret, and its executions per window. */
export const ApiKeySchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 letters, digits, . _ -'),
  key: z.string().min(16, 'must be at least 16 characters').max(256),
  limit: z.number().int().positive(),
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

const ApiKeyListSchema = z.array(ApiKeySchema).superRefine((keys, ctx) => {
  const names = new Set<string>();
  const secrets = new Set<string>();
  keys.forEach((entry, index) => {
    if (names.has(entry.name)) {
      ctx.addIssue({ code: 'custom', path: [index, 'name'], message: 'is a duplicate' });
    }
    if (secrets.has(entry.key)) {
      ctx.addIssue({ code: 'custom', path: [index, 'key'], message: 'is a duplicate' });
    }
    names.add(entry.name);
    secrets.add(entry.key);
  });
});

/**
 * Parses API_KEYS: either inline `name:key:limit` entries separated by commas, or the path of a
 * JSON file holding `[{ "name", "key", "limit" }]` (a value ending in `.json`). Throws an Error
 * naming what is wrong, never the secrets themselves.
 */
export async function loadApiKeys(
  raw: string | undefined,
  read: (path: string) => Promise<string> = (path) => readFile(path, 'utf8'),
): Promise<ApiKey[]> {
  if (!raw?.trim()) return [];
  const value = raw.trim();
  let candidates: unknown;
  if (value.endsWith('.json')) {
    try {
      candidates = JSON.parse(await read(value));
    } catch (error) {
      throw new Error(`API_KEYS: cannot read ${value}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  } else {
    candidates = value
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean)
      .map((entry, index) => {
        const [name, key, limit, ...rest] = entry.split(':');
        if (rest.length > 0 || limit === undefined) {
          throw new Error(`API_KEYS: entry ${index + 1} is not name:key:limit`);
        }
        return { name, key, limit: Number(limit) };
      });
  }
  const parsed = ApiKeyListSchema.safeParse(candidates);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const [index, field] = issue.path;
      return `entry ${Number(index ?? 0) + 1}${field === undefined ? '' : ` ${String(field)}`} ${issue.message}`;
    });
    throw new Error(`API_KEYS: ${problems.join('; ')}`);
  }
  return parsed.data;
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
