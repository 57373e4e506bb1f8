// Live runs (#15): how much the gateway adds between a program's write and the client's receipt
// (SSE through the gateway against a WebSocket straight to the stand-in), and the gateway's
// memory with 50 endless printers streaming at once.
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { LIVE_PROGRAMS } from '../test/support/fake-piston-socket.js';
import { postSse } from '../test/support/sse-client.js';
import { waitFor } from '../test/support/wait-for.js';
import { startFakePistonProcess, startGatewayProcess, type Child } from './processes.js';
import type { BenchSection } from './section.js';
import { fmt, median, spread, tableHead, tableRow } from './stats.js';
import type { Target } from './targets.js';

/** One round: per-sample delays (ms) each way, and the gateway's peak RSS under the flood. */
export interface LiveRound {
  directMs: number[];
  gatewayMs: number[];
  peakRssMb: number;
  /** Printers whose stream did not end with a result. */
  failed: number;
}

const PRINTERS = 50;

/** Epoch milliseconds with sub-millisecond resolution, comparable across processes. */
const nowMs = () => performance.timeOrigin + performance.now();

/** The section's targets from its rounds. */
export function liveTargets(rounds: readonly LiveRound[]): Target[] {
  return [
    {
      section: 'live',
      name: 'first write to client: added p50 (SSE via gateway − WebSocket direct)',
      kind: 'max',
      bound: 2,
      unit: 'ms',
      values: rounds.map((r) => median(r.gatewayMs) - median(r.directMs)),
    },
    {
      section: 'live',
      name: `gateway peak RSS, ${PRINTERS} concurrent endless printers`,
      kind: 'max',
      bound: 200,
      digits: 0,
      unit: 'MB',
      values: rounds.map((r) => r.peakRssMb),
    },
    {
      section: 'live',
      name: 'endless printers without a result',
      kind: 'max',
      bound: 0,
      digits: 0,
      aggregate: 'total',
      values: rounds.map((r) => r.failed),
    },
  ];
}

/** Straight to the stand-in: init, then the delay of the program's one line. */
function directSample(pistonUrl: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${pistonUrl.replace(/^http/, 'ws')}/api/v2/connect`);
    ws.on('open', () => {
      ws.send(
        JSON.stringify({
          type: 'init',
          language: 'python',
          version: '3.11.2',
          files: [{ content: LIVE_PROGRAMS.clock }],
        }),
      );
    });
    ws.on('message', (raw: Buffer) => {
      const frame = JSON.parse(raw.toString('utf8')) as { type: string; data?: string };
      if (frame.type === 'data') {
        resolve(nowMs() - Number(frame.data));
        ws.close();
      }
    });
    ws.on('error', reject);
  });
}

async function gatewaySample(gatewayUrl: string): Promise<number> {
  const exchange = await postSse(`${gatewayUrl}/api/execute/stream`, {
    language: 'python',
    code: LIVE_PROGRAMS.clock,
  });
  const event = await exchange.waitFor('stdout');
  await exchange.ended;
  return performance.timeOrigin + event.at - Number(event.data.data);
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
  return kb === undefined ? Number.NaN : Number(kb) / 1024;
}

/** 50 printers at once, each cut at MAX_STREAM_OUTPUT_BYTES; samples the gateway's RSS. */
async function flood(gateway: Child): Promise<{ peakRssMb: number; failed: number }> {
  const pid = gateway.process.pid ?? 0;
  let peak = rssMb(pid);
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(pid));
  }, 50);
  try {
    const runs = await Promise.all(
      Array.from({ length: PRINTERS }, async (_, i) => {
        // Started 10 ms apart (all 50 still stream at once): Piston, like the stand-in, drops a
        // socket whose init comes more than 1 s after it opened, which a burst of 50 connections
        // from one loaded process can miss.
        await new Promise((resolve) => setTimeout(resolve, i * 10));
        const exchange = await postSse(`${gateway.url}/api/execute/stream`, {
          language: 'python',
          code: LIVE_PROGRAMS.flood,
          timeout: 3000,
        });
        await exchange.ended;
        const last = exchange.events.at(-1);
        return last?.event === 'result'
          ? undefined
          : `${String(last?.data.code ?? exchange.json?.code)} ${String(last?.data.error ?? exchange.json?.error)} ${exchange.status}`;
      }),
    );
    const failures = runs.filter((code) => code !== undefined);
    if (failures.length > 0) console.log(`printers without a result: ${failures.join(', ')}`);
    // Piston runs each printer on to its run timeout (its defect 3), holding the slots.
    await waitFor(
      async () => {
        const health = (await (await fetch(`${gateway.url}/health`)).json()) as {
          executions?: { inFlight: number };
        };
        return health.executions?.inFlight === 0;
      },
      { timeoutMs: 30_000, intervalMs: 200, message: 'the printers did not release their slots' },
    );
    return { peakRssMb: Math.max(peak, rssMb(pid)), failed: failures.length };
  } finally {
    clearInterval(sampler);
  }
}

function printRounds(rounds: readonly LiveRound[]): void {
  const of = (pick: (r: LiveRound) => number, digits = 2) => spread(rounds.map(pick), digits);
  console.log(tableHead(['path', 'p50 ms', 'p99 ms', 'samples/round']));
  const p99 = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.99)] ?? Number.NaN;
  for (const [name, pick] of [
    ['WebSocket straight to the stand-in', (r: LiveRound) => r.directMs],
    ['SSE through the gateway', (r: LiveRound) => r.gatewayMs],
  ] as const) {
    console.log(
      tableRow([
        name,
        of((r) => median(pick(r))),
        of((r) => p99(pick(r))),
        rounds[0]?.directMs.length ?? 0,
      ]),
    );
  }
  console.log(
    `\nGateway peak RSS with ${PRINTERS} endless printers: ${of((r) => r.peakRssMb, 0)} MB` +
      ` (printers without a result: ${rounds.reduce((n, r) => n + r.failed, 0)})`,
  );
}

/** Alternating direct and gateway samples, then the flood, in each round. */
export const liveSection: BenchSection = {
  name: 'live',
  async run({ rounds: count, quick, nodeFlags }) {
    console.log('\n## live: first-write delay and memory under endless printers\n');
    const piston = await startFakePistonProcess(0);
    const gateway = await startGatewayProcess(
      piston.url,
      { MAX_CONCURRENT_EXECUTIONS: String(PRINTERS), LOG_LEVEL: 'warn' },
      nodeFlags,
    );
    const samples = quick ? 30 : 200;
    const rounds: LiveRound[] = [];
    try {
      for (let i = 0; i < 5; i += 1) {
        await directSample(piston.url);
        await gatewaySample(gateway.url);
      }
      for (let round = 0; round < count; round += 1) {
        const directMs: number[] = [];
        const gatewayMs: number[] = [];
        for (let i = 0; i < samples; i += 1) {
          directMs.push(await directSample(piston.url));
          gatewayMs.push(await gatewaySample(gateway.url));
        }
        rounds.push({ directMs, gatewayMs, ...(await flood(gateway)) });
        console.log(
          `round ${round + 1}: added p50 ${fmt(median(gatewayMs) - median(directMs))} ms, peak RSS ${fmt(rounds.at(-1)?.peakRssMb ?? Number.NaN, 0)} MB`,
        );
      }
    } finally {
      await gateway.stop();
      await piston.stop();
    }
    printRounds(rounds);
    return liveTargets(rounds);
  },
};
