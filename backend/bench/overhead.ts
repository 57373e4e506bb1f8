// The gateway, a bare-proxy floor and Piston side by side at several concurrencies.
import { loadFixture } from '../test/support/fixtures.js';
import { runLoad, type LoadOptions, type LoadResult } from './load.js';
import { startBareProxyProcess, startFakePistonProcess, startGatewayProcess } from './processes.js';
import type { BenchSection } from './section.js';
import type { BenchSettings } from './settings.js';
import { spread, tableHead, tableRow } from './stats.js';
import type { Target } from './targets.js';

const PISTON_BODY = loadFixture('python-hello').request.body;
// cache: false: every request takes the full path to Piston (identical concurrent requests would
// otherwise share one execution, which is coalescing, not proxy overhead).
const GATEWAY_BODY = { language: 'python', code: 'print("Hello, World!")', cache: false };

/**
 * One round of runs: direct Piston, then the floor (a bare node:http proxy, bare-proxy-cli.ts:
 * what one more process on the path costs on this machine before any of the gateway's work), then
 * the gateway.
 */
export interface Round {
  direct: LoadResult;
  floor: LoadResult;
  gateway: LoadResult;
}

/** One overhead row: a Piston delay and a connection count, with its rounds. */
export interface OverheadRow {
  delayMs: number;
  connections: number;
  rounds: Round[];
}

/** A side's throughput as a share of direct Piston's in the same round. */
export const share = (round: Round, side: LoadResult): number =>
  side.requestsPerSecond / round.direct.requestsPerSecond;
/** What a side adds to direct Piston's p50 in the same round. */
export const added = (round: Round, side: LoadResult): number => side.p50Ms - round.direct.p50Ms;

/** A target on one overhead row, judged per round against that round's floor. */
interface RowTarget {
  delayMs: number;
  connections: number;
  name: string;
  kind: Target['kind'];
  bound: number;
  unit?: string;
  digits: number;
  perRound: (round: Round) => number;
}

/** Issue 14, section 6: relative to the floor measured in the same round. */
export const OVERHEAD_TARGETS: readonly RowTarget[] = [
  {
    delayMs: 50,
    connections: 16,
    name: '50 ms / 16 conn.: gateway added p50 minus floor added p50',
    kind: 'max',
    bound: 1.5,
    unit: 'ms',
    digits: 2,
    perRound: (r) => added(r, r.gateway) - added(r, r.floor),
  },
  {
    delayMs: 50,
    connections: 64,
    name: "50 ms / 64 conn.: floor's share of direct minus gateway's share",
    kind: 'max',
    bound: 0.05,
    digits: 3,
    perRound: (r) => share(r, r.floor) - share(r, r.gateway),
  },
  {
    delayMs: 0,
    connections: 64,
    name: "0 ms / 64 conn.: gateway req/s as a share of the floor's",
    kind: 'min',
    bound: 0.15,
    digits: 3,
    perRound: (r) => r.gateway.requestsPerSecond / r.floor.requestsPerSecond,
  },
];

/** The section's targets from the rows it measured (a target whose row was left out: no values). */
export function overheadTargets(rows: readonly OverheadRow[]): Target[] {
  const targets: Target[] = OVERHEAD_TARGETS.map(({ perRound, delayMs, connections, ...t }) => {
    const row = rows.find((r) => r.delayMs === delayMs && r.connections === connections);
    return { ...t, section: 'overhead', values: row ? row.rounds.map(perRound) : [] };
  });
  targets.push({
    section: 'overhead',
    name: 'failed requests (non-2xx, errors, timeouts), every side and row',
    kind: 'max',
    bound: 0,
    digits: 0,
    aggregate: 'total',
    values: rows.flatMap((row) =>
      row.rounds.map((r) => r.direct.failed + r.floor.failed + r.gateway.failed),
    ),
  });
  return targets;
}

const HEAD = [
  'Piston delay',
  'connections',
  'direct req/s',
  'floor req/s',
  'gateway req/s',
  'floor share',
  'gateway share',
  'floor added p50 ms',
  'gateway added p50 ms',
  'direct p99 ms',
  'floor p99 ms',
  'gateway p99 ms',
  'failed',
];

/** One table line: the median (range) over the row's rounds of each column. */
export function formatRow({ delayMs, connections, rounds }: OverheadRow): string {
  const of = (pick: (r: Round) => number, digits = 2) => spread(rounds.map(pick), digits);
  const failed = rounds.reduce(
    (n, r) => n + r.direct.failed + r.floor.failed + r.gateway.failed,
    0,
  );
  return tableRow([
    `${delayMs} ms`,
    connections,
    of((r) => r.direct.requestsPerSecond, 0),
    of((r) => r.floor.requestsPerSecond, 0),
    of((r) => r.gateway.requestsPerSecond, 0),
    of((r) => share(r, r.floor), 3),
    of((r) => share(r, r.gateway), 3),
    of((r) => added(r, r.floor)),
    of((r) => added(r, r.gateway)),
    of((r) => r.direct.p99Ms),
    of((r) => r.floor.p99Ms),
    of((r) => r.gateway.p99Ms),
    failed,
  ]);
}

async function measureDelay(delayMs: number, settings: BenchSettings): Promise<OverheadRow[]> {
  const piston = await startFakePistonProcess(delayMs);
  // The concurrency limit is measured by the overload bench; here it must not be the bottleneck.
  const gateway = await startGatewayProcess(
    piston.url,
    { MAX_CONCURRENT_EXECUTIONS: '1024', MAX_QUEUE_SIZE: '1024' },
    settings.nodeFlags,
  );
  const bare = await startBareProxyProcess(piston.url);
  type Side = Omit<LoadOptions, 'connections' | 'durationSeconds'>;
  const direct: Side = { url: `${piston.url}/api/v2/execute`, method: 'POST', body: PISTON_BODY };
  const floor: Side = { ...direct, url: `${bare.url}/api/v2/execute` };
  const viaGateway: Side = {
    url: `${gateway.url}/api/execute`,
    method: 'POST',
    body: GATEWAY_BODY,
  };
  const rows: OverheadRow[] = [];
  try {
    for (const connections of settings.connections) {
      // Warm every path (JIT, keep-alive pools) before measuring.
      for (const side of [direct, floor, viaGateway]) {
        await runLoad({ ...side, connections, durationSeconds: settings.warmupS });
      }
      const load = (side: Side) =>
        runLoad({ ...side, connections, durationSeconds: settings.durationS });
      // The sides alternate, so a slow spell on the shared machine hits all three.
      const rounds: Round[] = [];
      for (let i = 0; i < settings.rounds; i += 1) {
        rounds.push({
          direct: await load(direct),
          floor: await load(floor),
          gateway: await load(viaGateway),
        });
      }
      const row = { delayMs, connections, rounds };
      rows.push(row);
      console.log(formatRow(row));
    }
  } finally {
    await gateway.stop();
    await bare.stop();
    await piston.stop();
  }
  return rows;
}

/** Direct Piston, the floor and the gateway at each delay and connection count. */
export const overheadSection: BenchSection = {
  name: 'overhead',
  async run(settings) {
    const { rounds, durationS, warmupS } = settings;
    console.log(
      `\n## Overhead: ${rounds} alternating rounds of ${durationS} s per side after ${warmupS} s of warm-up; median (range)\n`,
    );
    console.log(tableHead(HEAD));
    const rows: OverheadRow[] = [];
    for (const delayMs of settings.delaysMs) rows.push(...(await measureDelay(delayMs, settings)));
    return overheadTargets(rows);
  },
};
