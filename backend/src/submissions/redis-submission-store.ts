import type { Redis } from 'ioredis';
import {
  SubmissionSchema,
  type Submission,
  type SubmissionPatch,
  type SubmissionStore,
} from './types.js';

export interface RedisSubmissionStoreOptions {
  redis: Redis;
  /** REDIS_KEY_PREFIX; submissions live under `<prefix>sub:<token>`. */
  prefix: string;
  /** SUBMISSION_TTL_MS: a submission and its result expire this long after they were stored. */
  ttlMs: number;
}

/**
 * Merges a patch into an existing hash only: an expired or unknown submission stays unknown
 * (HSET alone would create a hash without a TTL that never expires).
 */
const UPDATE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
redis.call('HSET', KEYS[1], unpack(ARGV))
return redis.call('HGETALL', KEYS[1])
`;

/** One hash field per top-level property, each JSON: a patch rewrites only what it names. */
function encode(record: Partial<Submission>): string[] {
  return Object.entries(record as Record<string, unknown>).flatMap(([field, value]) =>
    value === undefined ? [] : [field, JSON.stringify(value)],
  );
}

function decodeFields(fields: Record<string, string>): Submission | undefined {
  if (Object.keys(fields).length === 0) return undefined;
  const record: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(fields)) record[field] = JSON.parse(value);
  const parsed = SubmissionSchema.safeParse(record);
  // A record this version cannot read (written by an incompatible one) reads as unknown.
  return parsed.success ? parsed.data : undefined;
}

function decodeList(list: unknown): Submission | undefined {
  if (!Array.isArray(list)) return undefined;
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < list.length; i += 2) fields[String(list[i])] = String(list[i + 1]);
  return decodeFields(fields);
}

/**
 * Submissions in Redis, shared by every gateway instance on it (any instance answers any token),
 * each expiring SUBMISSION_TTL_MS after it was accepted. The store does not own the connection.
 */
export function createRedisSubmissionStore(options: RedisSubmissionStoreOptions): SubmissionStore {
  const { redis, ttlMs } = options;
  const key = (token: string) => `${options.prefix}sub:${token}`;
  return {
    async put(submission) {
      const k = key(submission.token);
      await redis
        .multi()
        .del(k)
        .hset(k, ...encode(submission))
        .pexpire(k, ttlMs)
        .exec();
    },
    async get(token) {
      return decodeFields(await redis.hgetall(key(token)));
    },
    async getMany(tokens) {
      if (tokens.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const token of tokens) pipeline.hgetall(key(token));
      const results = (await pipeline.exec()) ?? [];
      return results.map(([error, fields]) => {
        if (error) throw error;
        return decodeFields(fields as Record<string, string>);
      });
    },
    async update(token, patch: SubmissionPatch) {
      const fields = encode(patch);
      if (fields.length === 0) return this.get(token);
      return decodeList(await redis.eval(UPDATE_SCRIPT, 1, key(token), ...fields));
    },
    close: () => Promise.resolve(),
  };
}
