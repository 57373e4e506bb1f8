import { spawn, spawnSync } from 'node:child_process';
import { runLoad } from './load.js';
import { startFakePistonProcess, startGatewayProcess, freePort } from './processes.js';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? '10');
const f = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
const hello = { language: 'python', code: 'print("Hello, World!")' };

/** Cache hits at 64 connections, side by side with the same gateway's GET /health. */
export async function benchCache(): Promise<void> {
  const piston = await startFakePistonProcess(50);
  const gateway = await startGatewayProcess(piston.url, { RESULT_CACHE_TTL_MS: '600000' });
  try {
    await fetch(`${gateway.url}/api/execute`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(hello),
    });
    const execute = { url: `${gateway.url}/api/execute`, method: 'POST' as const, body: hello };
    const health = { url: `${gateway.url}/health` };
    await runLoad({ ...execute, connections: 64, durationSeconds: 2 });
    await runLoad({ ...health, connections: 64, durationSeconds: 2 });
    const hits = await runLoad({ ...execute, connections: 64, durationSeconds: DURATION_S });
    const base = await runLoad({ ...health, connections: 64, durationSeconds: DURATION_S });
    console.log('\n## Result cache hits at 64 connections\n');
    console.log('| request | req/s | p50 ms | p99 ms | ratio to /health | failed |');
    console.log('|---|---|---|---|---|---|');
    console.log(
      `| GET /health | ${f(base.requestsPerSecond)} | ${f(base.p50Ms, 2)} | ${f(base.p99Ms, 2)} | 1 | ${base.failed} |`,
    );
    console.log(
      `| POST /api/execute (HIT) | ${f(hits.requestsPerSecond)} | ${f(hits.p50Ms, 2)} | ${f(hits.p99Ms, 2)} | ${f(hits.requestsPerSecond / base.requestsPerSecond, 3)} | ${hits.failed} |`,
    );
  } finally {
    await gateway.stop();
    await piston.stop();
  }
}

/** Requests/s through two instances sharing Redis, against one instance in memory. */
export async function benchRedisScale(): Promise<void> {
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    console.log('\n## Two instances on Redis: skipped (no redis-server on PATH)');
    return;
  }
  const port = await freePort();
  const redis = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', ''],
    {
      stdio: 'ignore',
    },
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
  const piston = await startFakePistonProcess(0);
  // cache: false keeps every request a real execution (no coalescing of identical bodies), and
  // the concurrency limit (measured by the overload bench) must not be the bottleneck here.
  const body = { ...hello, cache: false };
  const unlimited = { MAX_CONCURRENT_EXECUTIONS: '1024', MAX_QUEUE_SIZE: '1024' };
  try {
    const single = await startGatewayProcess(piston.url, unlimited);
    const one = await runLoad({
      url: `${single.url}/api/execute`,
      method: 'POST',
      body,
      connections: 64,
      durationSeconds: DURATION_S,
    });
    await single.stop();
    const env = { ...unlimited, REDIS_URL: `redis://127.0.0.1:${port}` };
    const a = await startGatewayProcess(piston.url, env);
    const b = await startGatewayProcess(piston.url, env);
    const [ra, rb] = await Promise.all(
      [a, b].map((g) =>
        runLoad({
          url: `${g.url}/api/execute`,
          method: 'POST',
          body,
          connections: 32,
          durationSeconds: DURATION_S,
        }),
      ),
    );
    await Promise.all([a.stop(), b.stop()]);
    const two = (ra?.requestsPerSecond ?? 0) + (rb?.requestsPerSecond ?? 0);
    console.log('\n## Two instances on Redis (0 ms Piston, 64 connections in all)\n');
    console.log('| setup | req/s | p50 ms | p99 ms | failed |');
    console.log('|---|---|---|---|---|');
    console.log(
      `| one instance, in memory | ${f(one.requestsPerSecond)} | ${f(one.p50Ms, 2)} | ${f(one.p99Ms, 2)} | ${one.failed} |`,
    );
    console.log(
      `| two instances, shared Redis | ${f(two)} | ${f(ra?.p50Ms ?? NaN, 2)} / ${f(rb?.p50Ms ?? NaN, 2)} | ${f(ra?.p99Ms ?? NaN, 2)} / ${f(rb?.p99Ms ?? NaN, 2)} | ${(ra?.failed ?? 0) + (rb?.failed ?? 0)} |`,
    );
  } finally {
    await piston.stop();
    redis.kill('SIGKILL');
  }
}
