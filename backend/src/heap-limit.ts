import { getHeapStatistics } from 'node:v8';
import type { Config, ConfigProblem } from './config.js';

const MiB = 1024 * 1024;

/** Copies of a live run's output in memory at once while its `result` is written. */
const LIVE_OUTPUT_COPIES = 3;

/** What the heap needs beside what the settings bound: modules, requests in flight, garbage. */
export const HEAP_HEADROOM_BYTES = 128 * MiB;

/**
 * The most the settings let the gateway hold at once: the in-memory result cache and finished
 * submissions (without Redis), and the output of as many live runs as may run at once.
 */
export function boundedHeapBytes(config: Config): number {
  const cache =
    config.RESULT_CACHE_TTL_MS > 0 && !config.REDIS_URL ? config.RESULT_CACHE_MAX_BYTES : 0;
  const submissions =
    config.REDIS_URL || config.SUBMISSIONS_REDIS_URL ? 0 : config.MAX_SUBMISSIONS_STORED_BYTES;
  const live =
    config.MAX_CONCURRENT_EXECUTIONS * config.MAX_STREAM_OUTPUT_BYTES * LIVE_OUTPUT_COPIES;
  return cache + submissions + live;
}

/**
 * A start-up warning when V8's heap limit (`--max-old-space-size`, 1 GiB with `npm start`) leaves
 * too little room for what the settings allow: the process would die of "heap out of memory"
 * under a load they permit, instead of refusing it.
 */
export function heapLimitWarning(
  config: Config,
  heapLimitBytes = getHeapStatistics().heap_size_limit,
): ConfigProblem | undefined {
  const bounded = boundedHeapBytes(config);
  if (heapLimitBytes >= bounded + HEAP_HEADROOM_BYTES) return undefined;
  const mb = (bytes: number) => Math.ceil(bytes / MiB);
  return {
    key: 'MAX_STREAM_OUTPUT_BYTES',
    message:
      `with MAX_CONCURRENT_EXECUTIONS=${config.MAX_CONCURRENT_EXECUTIONS} live runs, the result cache and stored submissions the gateway may hold ` +
      `${mb(bounded)} MB, more than its heap limit of ${mb(heapLimitBytes)} MB allows ` +
      `(with ${mb(HEAP_HEADROOM_BYTES)} MB for everything else): raise node's --max-old-space-size or lower these settings`,
  };
}
