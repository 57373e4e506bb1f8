import { createHash } from 'node:crypto';
import type { PistonExecuteRequest, PistonExecuteResponse } from '../piston/piston-schemas.js';
import type { ExecuteResponse } from '../schemas/execute-response.js';

/**
 * Where finished results are kept for identical requests: in memory, or in Redis (REDIS_URL).
 * What is kept is Piston's answer as it came (validated): the native answer is derived from it
 * (mapPistonResult), and the Piston-compatible API answers with it as Piston sent it.
 */
export interface ResultCache {
  get(key: string): Promise<PistonExecuteResponse | undefined>;
  set(key: string, result: PistonExecuteResponse): Promise<void>;
}

/**
 * The cache key of a request: a hash of exactly what Piston receives (resolved language and
 * exact version, named files with encodings, stdin, args and every limit), so two requests share
 * a key only when Piston would be asked the same thing.
 */
export function resultCacheKey(request: PistonExecuteRequest): string {
  const canonical = JSON.stringify([
    request.language,
    request.version,
    request.files.map((f) => [f.name, f.encoding ?? 'utf8', f.content]),
    request.stdin,
    request.args,
    request.compile_timeout,
    request.run_timeout,
    request.compile_cpu_time,
    request.run_cpu_time,
    request.compile_memory_limit,
    request.run_memory_limit,
  ]);
  return createHash('sha256').update(canonical).digest('base64url');
}

/** Only finished executions are reused; an internal error in Piston is worth trying again. */
export function isCacheable(result: ExecuteResponse): boolean {
  return result.status !== 'internal_error';
}

export interface MemoryResultCacheOptions {
  ttlMs: number;
  /** Upper bound on the cached results' JSON size in total; least recently used go first. */
  maxBytes: number;
  now?: () => number;
}

/** An in-process LRU cache with a TTL and a byte bound. */
export function createMemoryResultCache(options: MemoryResultCacheOptions): ResultCache & {
  size(): { entries: number; bytes: number };
} {
  const now = options.now ?? Date.now;
  // Map keeps insertion order: re-inserting on read makes the first entry the least recent.
  const entries = new Map<
    string,
    { result: PistonExecuteResponse; bytes: number; expiresAt: number }
  >();
  let bytes = 0;

  function remove(key: string): void {
    const entry = entries.get(key);
    if (!entry) return;
    bytes -= entry.bytes;
    entries.delete(key);
  }

  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return Promise.resolve(undefined);
      if (entry.expiresAt <= now()) {
        remove(key);
        return Promise.resolve(undefined);
      }
      entries.delete(key);
      entries.set(key, entry);
      return Promise.resolve(entry.result);
    },
    set(key, result) {
      const size = JSON.stringify(result).length + key.length;
      remove(key);
      if (size > options.maxBytes) return Promise.resolve();
      while (bytes + size > options.maxBytes) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        remove(oldest);
      }
      entries.set(key, { result, bytes: size, expiresAt: now() + options.ttlMs });
      bytes += size;
      return Promise.resolve();
    },
    size: () => ({ entries: entries.size, bytes }),
  };
}
