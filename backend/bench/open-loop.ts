import http from 'node:http';
import { percentile } from './load.js';

/** What an open-loop run saw, split by outcome. */
export interface OpenLoopResult {
  offeredPerSecond: number;
  ok: { count: number; perSecond: number; p50Ms: number; p99Ms: number };
  /** The successes answered within `timelyMs`: the ones still of use to a client. */
  timely: { count: number; perSecond: number };
  overloaded: { count: number; p99Ms: number };
  upstreamTimeouts: number;
  otherFailures: number;
}

/**
 * Sends requests at a constant arrival rate whatever happens to earlier ones (open loop), as real
 * traffic does, which a closed-loop tool with a fixed connection count cannot show.
 */
export async function runOpenLoop(options: {
  url: string;
  body: () => unknown;
  perSecond: number;
  durationSeconds: number;
  timelyMs: number;
}): Promise<OpenLoopResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const target = new URL(options.url);
  const ok: number[] = [];
  const overloaded: number[] = [];
  let upstreamTimeouts = 0;
  let otherFailures = 0;
  const pending: Promise<void>[] = [];

  const send = () =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      const payload = JSON.stringify(options.body());
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            const ms = performance.now() - started;
            if (res.statusCode === 200) ok.push(ms);
            else if (res.statusCode === 503) overloaded.push(ms);
            else if (res.statusCode === 504) upstreamTimeouts += 1;
            else otherFailures += 1;
            resolve();
          });
        },
      );
      req.on('error', () => {
        otherFailures += 1;
        resolve();
      });
      req.end(payload);
    });

  const total = Math.round(options.perSecond * options.durationSeconds);
  const startedAt = performance.now();
  for (let i = 0; i < total; i += 1) {
    const due = startedAt + (i * 1000) / options.perSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(send());
  }
  await Promise.all(pending);
  // Late answers count too: the rate is over the time until the last one arrived.
  const elapsedSeconds = (performance.now() - startedAt) / 1000;
  agent.destroy();
  ok.sort((a, b) => a - b);
  overloaded.sort((a, b) => a - b);
  const timely = ok.filter((ms) => ms <= options.timelyMs).length;
  return {
    offeredPerSecond: options.perSecond,
    ok: {
      count: ok.length,
      perSecond: ok.length / elapsedSeconds,
      p50Ms: percentile(ok, 0.5),
      p99Ms: percentile(ok, 0.99),
    },
    timely: { count: timely, perSecond: timely / elapsedSeconds },
    overloaded: { count: overloaded.length, p99Ms: percentile(overloaded, 0.99) },
    upstreamTimeouts,
    otherFailures,
  };
}
