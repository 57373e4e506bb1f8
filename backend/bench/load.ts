import autocannon from 'autocannon';

/** What one load run measured. Latencies are exact (sub-millisecond), from every 2xx response. */
export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  ok: number;
  failed: number;
}

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  body?: unknown;
  connections: number;
  durationSeconds: number;
}

/** Loads one URL with autocannon at a fixed concurrency and summarises the run. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        method: options.method ?? 'GET',
        connections: options.connections,
        duration: options.durationSeconds,
        ...(options.body === undefined
          ? {}
          : {
              body: JSON.stringify(options.body),
              headers: { 'content-type': 'application/json' },
            }),
      },
      (error: Error | null, done: autocannon.Result) => {
        if (error) reject(error);
        else resolve(done);
      },
    );
    // autocannon's histogram keeps whole milliseconds; record the exact durations as well.
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) latencies.push(ms);
    });
  });
  latencies.sort((a, b) => a - b);
  return {
    // Over the time the run really took: autocannon waits for the requests still in flight when
    // the duration ends, and a busy machine can stretch the run further.
    requestsPerSecond: result.requests.total / (result.duration || options.durationSeconds),
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    ok: result['2xx'],
    failed: result.non2xx + result.errors + result.timeouts,
  };
}

export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}
