import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ExecutionLimiter } from '../execution/execution-limiter.js';
import { REDIS_STATES, type RedisHealth } from '../redis/redis-health.js';
import type { RuntimeCache } from '../runtimes/runtime-cache.js';

export interface MetricsOptions {
  limiter: Pick<ExecutionLimiter, 'stats'>;
  runtimes: Pick<RuntimeCache, 'snapshot'>;
  /** Present in Redis mode. */
  redis?: RedisHealth | undefined;
}

/** The gateway's Prometheus metrics, in a registry of their own (one per app, never global). */
export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  executions: Counter<'language' | 'status'>;
  executionDuration: Histogram<'language' | 'status'>;
  rateLimited: Counter;
  shed: Counter;
  resultCache: Counter<'result'>;
  /** Live runs holding a Piston socket (and an execution slot), whether or not a client remains. */
  liveRuns: Gauge;
  liveOutputBytes: Counter<'stream'>;
  liveOutcomes: Counter<'outcome'>;
}

/** Creates the registry and every metric; gauges read the limiter and runtime cache on scrape. */
export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'gateway_' });
  const registers = [registry];

  new Gauge({
    name: 'gateway_executions_in_flight',
    help: 'Executions currently running on Piston from this instance',
    registers,
    collect() {
      this.set(options.limiter.stats().inFlight);
    },
  });
  new Gauge({
    name: 'gateway_executions_queued',
    help: 'Requests waiting for an execution slot',
    registers,
    collect() {
      this.set(options.limiter.stats().queued);
    },
  });
  new Gauge({
    name: 'gateway_piston_up',
    help: '1 when the last call to Piston succeeded, else 0',
    registers,
    collect() {
      this.set(options.runtimes.snapshot().lastCallOk ? 1 : 0);
    },
  });
  new Gauge({
    name: 'gateway_piston_runtimes',
    help: 'Runtimes installed in Piston, as last listed',
    registers,
    collect() {
      this.set(options.runtimes.snapshot().runtimes?.length ?? 0);
    },
  });

  const redis = options.redis;
  if (redis) {
    new Gauge({
      name: 'gateway_redis_up',
      help: '1 while the Redis connection is ready, else 0',
      registers,
      collect() {
        this.set(redis.up() ? 1 : 0);
      },
    });
    new Gauge({
      name: 'gateway_redis_state',
      help: '1 for the current state of shared state in Redis: working, unreachable, or full (refusing writes)',
      labelNames: ['state'],
      registers,
      collect() {
        const current = redis.state();
        for (const state of REDIS_STATES) this.set({ state }, state === current ? 1 : 0);
      },
    });
    let counted = 0;
    new Counter({
      name: 'gateway_redis_errors_total',
      help: 'Redis calls that failed (the gateway carried on without shared state)',
      registers,
      collect() {
        const total = redis.errorCount();
        this.inc(total - counted);
        counted = total;
      },
    });
  }

  return {
    registry,
    httpRequests: new Counter({
      name: 'gateway_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    }),
    httpDuration: new Histogram({
      name: 'gateway_http_request_duration_seconds',
      help: 'HTTP request latency by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20],
      registers,
    }),
    executions: new Counter({
      name: 'gateway_executions_total',
      help: 'Executions answered, by language and result status',
      labelNames: ['language', 'status'],
      registers,
    }),
    executionDuration: new Histogram({
      name: 'gateway_execution_duration_seconds',
      help: 'Time to answer an execution that ran (queue, Piston and mapping; not cache hits), by language and status',
      labelNames: ['language', 'status'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20],
      registers,
    }),
    rateLimited: new Counter({
      name: 'gateway_rate_limited_total',
      help: 'Requests refused by a rate limit (429)',
      registers,
    }),
    shed: new Counter({
      name: 'gateway_executions_shed_total',
      help: 'Executions refused because the queue was full or the wait ran out (503 overloaded)',
      registers,
    }),
    resultCache: new Counter({
      name: 'gateway_result_cache_total',
      help: 'Executions by how they were answered: hit, miss or coalesced',
      labelNames: ['result'],
      registers,
    }),
    liveRuns: new Gauge({
      name: 'gateway_live_runs_in_progress',
      help: 'Live runs (SSE, WebSocket) holding a Piston socket and an execution slot',
      registers,
    }),
    liveOutputBytes: new Counter({
      name: 'gateway_live_output_bytes_total',
      help: 'Program output forwarded to live-run clients, in bytes, by stream',
      labelNames: ['stream'],
      registers,
    }),
    liveOutcomes: new Counter({
      name: 'gateway_live_runs_total',
      help: 'Live runs ended for their client, by result status or error:<code>',
      labelNames: ['outcome'],
      registers,
    }),
  };
}
