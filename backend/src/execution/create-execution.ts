import type { Config } from '../config.js';
import type { PistonClient } from '../piston/piston-client.js';
import type { RuntimeCache } from '../runtimes/runtime-cache.js';
import { createExecutionLimiter, type ExecutionLimiter } from './execution-limiter.js';
import { createExecutionService, type ExecutionService } from './execution-service.js';
import { createMemoryResultCache, type ResultCache } from './result-cache.js';

/** Builds the execution path from config: limiter, result cache (when on) and service. */
export function createExecution(deps: {
  config: Config;
  piston: PistonClient;
  runtimes: RuntimeCache;
  resultCache?: ResultCache | undefined;
}): { execution: ExecutionService; limiter: ExecutionLimiter } {
  const { config } = deps;
  const limiter = createExecutionLimiter({
    maxConcurrent: config.MAX_CONCURRENT_EXECUTIONS,
    maxQueue: config.MAX_QUEUE_SIZE,
    queueTimeoutMs: config.QUEUE_TIMEOUT_MS,
  });
  const resultCache =
    deps.resultCache ??
    (config.RESULT_CACHE_TTL_MS > 0
      ? createMemoryResultCache({
          ttlMs: config.RESULT_CACHE_TTL_MS,
          maxBytes: config.RESULT_CACHE_MAX_BYTES,
        })
      : undefined);
  const execution = createExecutionService({
    client: deps.piston,
    runtimes: deps.runtimes,
    limits: config,
    limiter,
    ...(resultCache ? { resultCache } : {}),
  });
  return { execution, limiter };
}
