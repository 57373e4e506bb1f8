import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { PistonClient } from '../piston/piston-client.js';
import type { SharedState } from '../redis/shared-state.js';
import { createRedisResultCache } from '../redis/redis-result-cache.js';
import type { RuntimeCache } from '../runtimes/runtime-cache.js';
import { createExecutionLimiter, type ExecutionLimiter } from './execution-limiter.js';
import { createExecutionService, type ExecutionService } from './execution-service.js';
import { createMemoryResultCache, type ResultCache } from './result-cache.js';

/** Builds the execution path from config: limiter, result cache (when on) and service. */
export function createExecution(deps: {
  config: Config;
  logger: Pick<Logger, 'warn'>;
  piston: PistonClient;
  runtimes: RuntimeCache;
  resultCache?: ResultCache | undefined;
  shared?: SharedState | undefined;
}): { execution: ExecutionService; limiter: ExecutionLimiter } {
  const { config } = deps;
  const limiter = createExecutionLimiter({
    maxConcurrent: config.MAX_CONCURRENT_EXECUTIONS,
    maxQueue: config.MAX_QUEUE_SIZE,
    queueTimeoutMs: config.QUEUE_TIMEOUT_MS,
  });
  const resultCache = deps.resultCache ?? buildResultCache(config, deps.shared, deps.logger);
  const execution = createExecutionService({
    client: deps.piston,
    runtimes: deps.runtimes,
    limits: config,
    limiter,
    ...(resultCache ? { resultCache } : {}),
  });
  return { execution, limiter };
}

function buildResultCache(
  config: Config,
  shared: SharedState | undefined,
  logger: Pick<Logger, 'warn'>,
): ResultCache | undefined {
  if (config.RESULT_CACHE_TTL_MS === 0) return undefined;
  const settings = { ttlMs: config.RESULT_CACHE_TTL_MS, maxBytes: config.RESULT_CACHE_MAX_BYTES };
  return shared
    ? createRedisResultCache({
        ...settings,
        redis: shared.redis,
        health: shared.health,
        logger,
        prefix: `${config.REDIS_KEY_PREFIX}result:`,
      })
    : createMemoryResultCache(settings);
}
