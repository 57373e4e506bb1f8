import type { Config } from '../config.js';
import { BadRequestError } from '../errors.js';
import { PistonRuntimeUnknownError, type PistonClient } from '../piston/piston-client.js';
import type {
  PistonExecuteRequest,
  PistonExecuteResponse,
  PistonRuntime,
} from '../piston/piston-schemas.js';
import type { RuntimeCache } from '../runtimes/runtime-cache.js';
import {
  findLanguage,
  pickVersion,
  unsupportedLanguage,
  type ResolvedRuntime,
} from '../runtimes/resolve-runtime.js';
import type { ExecuteRequest } from '../schemas/execute-request.js';
import type { ExecuteResponse } from '../schemas/execute-response.js';
import {
  buildPistonRequest,
  checkSizes,
  type ExecutionLimits,
  type RequestedLimits,
} from './build-piston-request.js';
import { createCoalescer, untilAborted } from './coalescer.js';
import type { ExecutionLimiter } from './execution-limiter.js';
import { mapPistonResult } from './map-result.js';
import { createPreparedMemo } from './prepared-memo.js';
import { isCacheable, resultCacheKey, type ResultCache } from './result-cache.js';

export interface ExecutionServiceOptions {
  client: Pick<PistonClient, 'execute'>;
  runtimes: RuntimeCache;
  limits: ExecutionLimits & Pick<Config, 'PISTON_TIMEOUT_MS' | 'PISTON_MAX_BODY_BYTES'>;
  /** Bounds the executions in flight to Piston; queued requests wait here, not in Piston. */
  limiter: ExecutionLimiter;
  /** Finished results for identical requests; absent when the result cache is off. */
  resultCache?: ResultCache;
}

/** How a result was obtained, for the `X-Cache` header. */
export type CacheStatus = 'HIT' | 'MISS' | 'COALESCED';

export interface ExecutionOutcome {
  result: ExecuteResponse;
  /** Piston's answer as it came, which `result` is mapped from (the Piston-compatible API's). */
  piston: PistonExecuteResponse;
  cache: CacheStatus;
}

/** A validated request resolved into exactly what Piston would receive. */
export interface PreparedExecution {
  request: PistonExecuteRequest;
  runtime: PistonRuntime;
  /** What identical requests share (result cache, coalescing); absent for `"cache": false`. */
  key?: string;
}

/**
 * Runs validated requests on Piston: resolve the runtime and build the request (`prepare`), look
 * for a finished result (`cached`), else execute (`run`). The steps are apart so that the route
 * can put the execution rate limit between a cache hit and a real execution.
 */
export interface ExecutionService {
  /**
   * Resolves the runtime and builds Piston's request. With the body's JSON text, the result is
   * remembered for `recall`.
   */
  prepare(
    body: ExecuteRequest,
    text?: string,
    limits?: RequestedLimits,
  ): Promise<PreparedExecution>;
  /**
   * What `prepare` made of this exact body text before, while the runtime list is unchanged;
   * undefined when there is nothing to reuse (the caller then validates and prepares).
   */
  recall(text: string): Promise<PreparedExecution | undefined>;
  /** A finished result of an identical request; touches neither Piston nor the queue. */
  cached(prepared: PreparedExecution): Promise<ExecuteResponse | undefined>;
  /** Like `cached`, but Piston's answer as it came (for the Piston-compatible API). */
  cachedAnswer(prepared: PreparedExecution): Promise<PistonExecuteResponse | undefined>;
  /**
   * Executes on Piston, or shares an identical execution already under way. When `signal` aborts
   * this rejects at once; a queued execution leaves the queue, one sent to Piston runs to its end
   * (holding its slot, and its result may still fill the result cache).
   */
  run(prepared: PreparedExecution, signal?: AbortSignal): Promise<ExecutionOutcome>;
  resolve(language: string, version: string | undefined): Promise<ResolvedRuntime>;
}

/** Creates the execution service from its collaborators. */
export function createExecutionService(options: ExecutionServiceOptions): ExecutionService {
  const { client, runtimes, limits, limiter, resultCache } = options;
  const coalescer = createCoalescer<PistonExecuteResponse>();
  const memo = createPreparedMemo();

  async function resolve(language: string, version: string | undefined) {
    let list = await runtimes.get();
    let candidates = findLanguage(list, language);
    // A runtime installed after start-up: look again, at most once per throttle interval.
    if (candidates.length === 0 && (await runtimes.refreshForUnknownLanguage())) {
      list = await runtimes.get();
      candidates = findLanguage(list, language);
    }
    if (candidates.length === 0) throw unsupportedLanguage(list, language);
    return pickVersion(candidates, version);
  }

  /**
   * One execution on Piston, through the concurrency limiter. Piston cannot cancel a job, so
   * once sent the call runs to Piston's answer and keeps its slot even if nobody waits for it
   * any more (#14); the signal only takes a request that is still queued out of the queue.
   */
  async function runOnPiston(
    request: PistonExecuteRequest,
    runtime: PistonRuntime,
    signal?: AbortSignal,
    started?: () => void,
  ): Promise<PistonExecuteResponse> {
    // Piston may spend the whole compile and run budgets; allow that plus a transport margin.
    const timeoutMs = request.compile_timeout + request.run_timeout + limits.PISTON_TIMEOUT_MS;
    try {
      return await limiter.run(() => {
        started?.();
        return client.execute(request, { timeoutMs });
      }, signal);
    } catch (error) {
      if (error instanceof PistonRuntimeUnknownError) {
        runtimes.invalidate();
        throw runtimeGone(runtime, error);
      }
      throw error;
    }
  }

  async function cachedAnswer({ key }: PreparedExecution) {
    return key === undefined ? undefined : resultCache?.get(key);
  }

  return {
    resolve,
    async prepare(body, text, requested) {
      // Taken before resolving: a list that changes meanwhile makes the entry stale, not wrong.
      const generation = runtimes.snapshot().generation;
      checkSizes(body, limits);
      const resolved = await resolve(body.language, body.version);
      const request = buildPistonRequest(body, resolved, limits, requested);
      checkPistonBodySize(request, limits.PISTON_MAX_BODY_BYTES);
      const runtime = resolved.runtime;
      const prepared: PreparedExecution =
        body.cache === false
          ? { request, runtime }
          : { request, runtime, key: resultCacheKey(request) };
      if (text !== undefined) memo.set(text, generation, prepared);
      return prepared;
    },
    async recall(text) {
      // An unknown text (or an invalid body) goes on to validation without touching the list:
      // asking Piston for runtimes is prepare's business, after the body is known to be valid.
      if (!memo.has(text)) return undefined;
      try {
        // Refreshes a list past its TTL first, as prepare would.
        await runtimes.get();
      } catch {
        return undefined;
      }
      return memo.get(text, runtimes.snapshot().generation);
    },
    async cached(prepared) {
      const answer = await cachedAnswer(prepared);
      return answer && mapPistonResult(answer);
    },
    cachedAnswer,
    async run({ request, runtime, key }, signal) {
      if (key === undefined) {
        // The caller stops waiting when its client goes away; the execution does not.
        const piston = await untilAborted(runOnPiston(request, runtime, signal), signal);
        return { result: mapPistonResult(piston), piston, cache: 'MISS' };
      }
      const { value, shared } = await coalescer.run(
        key,
        async (sharedSignal, started) => {
          const answer = await runOnPiston(request, runtime, sharedSignal, started);
          if (resultCache && isCacheable(mapPistonResult(answer))) {
            await resultCache.set(key, answer);
          }
          return answer;
        },
        signal,
      );
      return {
        result: mapPistonResult(value),
        piston: value,
        cache: shared ? 'COALESCED' : 'MISS',
      };
    },
  };
}

/**
 * Piston reads request bodies with body-parser's default limit (100 KB) and refuses larger ones.
 * A request can be inside every limit of the gateway and still exceed it once base64, JSON
 * escapes and args are counted, so it is refused here, before it is charged or sent (#14).
 */
function checkPistonBodySize(request: PistonExecuteRequest, limit: number): void {
  const size = Buffer.byteLength(JSON.stringify(request), 'utf8');
  if (size <= limit) return;
  throw new BadRequestError(
    'payload_too_large',
    `The request as sent to the execution engine would be ${size} bytes, ${size - limit} over its limit of ${limit} bytes`,
    {
      details: [
        {
          message:
            "Code, files (base64 and hex as sent), stdin and args together, as JSON with its escapes, must fit the execution engine's limit",
          size,
          limit,
        },
      ],
    },
  );
}

function runtimeGone(runtime: PistonRuntime, cause: unknown): BadRequestError {
  return new BadRequestError(
    'unsupported_language',
    `${runtime.language} ${runtime.version} is no longer installed; try again to use what is`,
    {
      cause,
      details: [
        {
          field: 'language',
          message: 'See GET /api/execute/languages for the installed languages',
        },
      ],
    },
  );
}
