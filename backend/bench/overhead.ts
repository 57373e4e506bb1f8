// The gateway, a bare-proxy floor and Piston side by side at several concurrencies.
// Settings (env): BENCH_DELAYS_MS (default "50,0"), BENCH_CONNECTIONS ("1,16,64"),
// BENCH_DURATION_S (10), BENCH_WARMUP_S (2), BENCH_REPEATS (3).
import { loadFixture } from '../test/support/fixtures.js';
import { runLoad, type LoadResult } from './load.js';
import { startBareProxyProcess, startFakePistonProcess, startGatewayProcess } from './processes.js';

const list = (value: string | undefined, fallback: string) =>
  (value ?? fallback).split(',').map((item) => Number(item.trim()));
const DELAYS = list(process.env.BENCH_DELAYS_MS, '50,0');
const CONNECTIONS = list(process.env.BENCH_CONNECTIONS, '1,16,64');
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? '10');
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? '2');
const REPEATS = Math.max(1, Number(process.env.BENCH_REPEATS ?? '3'));

const PISTON_BODY = loadFixture('python-hello').request.body;
// cache: false: every request takes the full path to Piston (identical concurrent requests would
// otherwise share one execution, which is coalescing, not proxy overhead).
const GATEWAY_BODY = { language: 'python', code: 'print("Hello, World!")', cache: false };

/**
 * One round of runs: direct Piston, then the floor (a bare node:http proxy, bare-proxy-cli.ts: what one more
 * process on the path costs on this machine before any of the gateway's work), then the gateway.
 */
interface Round {
  direct: LoadResult;
  floor: LoadResult;
  gateway: LoadResult;
}

interface Row {
  delayMs: number;
  connections: number;
  rounds: Round[];
}

const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

async function measure(delayMs: number): Promise<Row[]> {
  const piston = await startFakePistonProcess(delayMs);
  // The concurrency limit is measured by the overload bench; here it must not be the bottleneck.
  const gateway = await startGatewayProcess(piston.url, {
    MAX_CONCURRENT_EXECUTIONS: '1024',
    MAX_QUEUE_SIZE: '1024',
  });
  const bare = await startBareProxyProcess(piston.url);
  const direct = {
    url: `${piston.url}/api/v2/execute`,
    method: 'POST' as const,
    body: PISTON_BODY,
  };
  const viaFloor = { ...direct, url: `${bare.url}/api/v2/execute` };
  const viaGateway = {
    url: `${gateway.url}/api/execute`,
    method: 'POST' as const,
    body: GATEWAY_BODY,
  };
  const rows: Row[] = [];
  try {
    for (const connections of CONNECTIONS) {
      // Warm both paths (JIT, keep-alive pools) before measuring.
      for (const side of [direct, viaFloor, viaGateway]) {
        await runLoad({ ...side, connections, durationSeconds: WARMUP_S });
      }
      // The sides alternate, so a slow spell on the shared machine hits all three.
      const load = (side: typeof direct) =>
        runLoad({ ...side, connections, durationSeconds: DURATION_S });
      const rounds: Round[] = [];
      for (let i = 0; i < REPEATS; i += 1) {
        rounds.push({
          direct: await load(direct),
          floor: await load(viaFloor),
          gateway: await load(viaGateway),
        });
      }
      const row = { delayMs, connections, rounds };
      rows.push(row);
      printRow(row);
    }
  } finally {
    await gateway.stop();
    await bare.stop();
    await piston.stop();
  }
  return rows;
}

/** The median, and the range when there is more than one value. */
function spread(values: number[], digits: number): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = fmt(sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN, digits);
  if (sorted.length === 1) return median;
  return `${median} (${fmt(sorted[0]!, digits)}–${fmt(sorted.at(-1)!, digits)})`;
}

function printRow({ delayMs, connections, rounds }: Row): void {
  const of = (pick: (round: Round) => number, digits = 2) => spread(rounds.map(pick), digits);
  const failed = rounds.reduce(
    (sum, p) => sum + p.direct.failed + p.floor.failed + p.gateway.failed,
    0,
  );
  const ratio = (p: Round, side: LoadResult) => side.requestsPerSecond / p.direct.requestsPerSecond;
  console.log(
    `| ${delayMs} ms | ${connections} | ${of((p) => p.direct.requestsPerSecond, 0)} | ${of((p) => p.gateway.requestsPerSecond, 0)} | ` +
      `${of((p) => ratio(p, p.gateway), 3)} | ${of((p) => ratio(p, p.floor), 3)} | ${of((p) => p.direct.p50Ms)} | ${of((p) => p.gateway.p50Ms)} | ` +
      `${of((p) => p.gateway.p50Ms - p.direct.p50Ms)} | ${of((p) => p.floor.p50Ms - p.direct.p50Ms)} | ${of((p) => p.direct.p99Ms)} | ${of((p) => p.gateway.p99Ms)} | ${failed} |`,
  );
}

/** Runs the side-by-side comparison and prints its table. */
export async function benchOverhead(): Promise<void> {
  console.log(
    `\n## Overhead: ${REPEATS} alternating ${DURATION_S}s runs per side after ${WARMUP_S}s warm-up; median (range)\n`,
  );
  console.log(
    '| Piston delay | connections | direct req/s | gateway req/s | ratio | floor ratio | direct p50 ms | gateway p50 ms | added p50 ms | floor added p50 ms | direct p99 ms | gateway p99 ms | failed |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const delayMs of DELAYS) await measure(delayMs);
}
