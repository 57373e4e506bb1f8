// The gateway and Piston side by side at several concurrencies.
// Settings (env): BENCH_DELAYS_MS (default "50,0"), BENCH_CONNECTIONS ("1,16,64"),
// BENCH_DURATION_S (10), BENCH_WARMUP_S (2).
import { loadFixture } from '../test/support/fixtures.js';
import { runLoad, type LoadResult } from './load.js';
import { startFakePistonProcess, startGatewayProcess } from './processes.js';

const list = (value: string | undefined, fallback: string) =>
  (value ?? fallback).split(',').map((item) => Number(item.trim()));
const DELAYS = list(process.env.BENCH_DELAYS_MS, '50,0');
const CONNECTIONS = list(process.env.BENCH_CONNECTIONS, '1,16,64');
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? '10');
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? '2');

const PISTON_BODY = loadFixture('python-hello').request.body;
// cache: false: every request takes the full path to Piston (identical concurrent requests would
// otherwise share one execution, which is coalescing, not proxy overhead).
const GATEWAY_BODY = { language: 'python', code: 'print("Hello, World!")', cache: false };

interface Row {
  delayMs: number;
  connections: number;
  direct: LoadResult;
  gateway: LoadResult;
}

const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

async function measure(delayMs: number): Promise<Row[]> {
  const piston = await startFakePistonProcess(delayMs);
  // The concurrency limit is measured by the overload bench; here it must not be the bottleneck.
  const gateway = await startGatewayProcess(piston.url, {
    MAX_CONCURRENT_EXECUTIONS: '1024',
    MAX_QUEUE_SIZE: '1024',
  });
  const direct = {
    url: `${piston.url}/api/v2/execute`,
    method: 'POST' as const,
    body: PISTON_BODY,
  };
  const viaGateway = {
    url: `${gateway.url}/api/execute`,
    method: 'POST' as const,
    body: GATEWAY_BODY,
  };
  const rows: Row[] = [];
  try {
    for (const connections of CONNECTIONS) {
      // Warm both paths (JIT, keep-alive pools) before measuring.
      await runLoad({ ...direct, connections, durationSeconds: WARMUP_S });
      await runLoad({ ...viaGateway, connections, durationSeconds: WARMUP_S });
      const directResult = await runLoad({ ...direct, connections, durationSeconds: DURATION_S });
      const gatewayResult = await runLoad({
        ...viaGateway,
        connections,
        durationSeconds: DURATION_S,
      });
      const row = { delayMs, connections, direct: directResult, gateway: gatewayResult };
      rows.push(row);
      printRow(row);
    }
  } finally {
    await gateway.stop();
    await piston.stop();
  }
  return rows;
}

function printRow({ delayMs, connections, direct, gateway }: Row): void {
  console.log(
    `| ${delayMs} ms | ${connections} | ${fmt(direct.requestsPerSecond, 0)} | ${fmt(gateway.requestsPerSecond, 0)} | ` +
      `${fmt(gateway.requestsPerSecond / direct.requestsPerSecond, 3)} | ${fmt(direct.p50Ms)} | ${fmt(gateway.p50Ms)} | ` +
      `${fmt(gateway.p50Ms - direct.p50Ms)} | ${fmt(direct.p99Ms)} | ${fmt(gateway.p99Ms)} | ${direct.failed + gateway.failed} |`,
  );
}

/** Runs the side-by-side comparison and prints its table. */
export async function benchOverhead(): Promise<void> {
  console.log(`\n## Overhead: ${DURATION_S}s per run after ${WARMUP_S}s warm-up\n`);
  console.log(
    '| Piston delay | connections | direct req/s | gateway req/s | ratio | direct p50 ms | gateway p50 ms | added p50 ms | direct p99 ms | gateway p99 ms | failed |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const delayMs of DELAYS) await measure(delayMs);
}
