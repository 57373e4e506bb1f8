import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { afterEach } from 'vitest';
import { freePort } from './free-port.js';
import { waitFor } from './wait-for.js';

/**
 * The test Redis (`REDIS_URL`, which .ci/run starts and sets), or undefined after printing why the
 * tests named `what` are skipped.
 */
export function testRedisUrl(what: string): string | undefined {
  const url = process.env.REDIS_URL;
  if (!url)
    console.log(`${what} skipped: REDIS_URL is not set (.ci/run starts a Redis and sets it)`);
  return url;
}

/** Whether a redis-server binary is on PATH (tests that start their own Redis skip without). */
export const HAS_REDIS_SERVER = spawnSync('redis-server', ['--version']).status === 0;

/** A redis-server of a test's own on a loopback port, which the test may stop. */
export interface RedisServer {
  url: string;
  /** Kills it (SIGKILL) and resolves once it is gone; its port then refuses connections. */
  stop(): Promise<void>;
}

/**
 * For a test file: returns a starter of redis-servers (no persistence, plus `settings` such as
 * `['--maxmemory-policy', 'noeviction']`), each stopped after its test. Resolves once it answers.
 *
 * @example const startRedis = useRedisServers(); const redis = await startRedis(); await redis.stop();
 */
export function useRedisServers(): (settings?: string[]) => Promise<RedisServer> {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });
  return async (settings = []) => {
    const port = await freePort();
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly'];
    const child = spawn('redis-server', [...args, 'no', ...settings], { stdio: 'ignore' });
    children.push(child);
    const url = `redis://127.0.0.1:${port}`;
    await waitFor(() => ping(url), { timeoutMs: 5_000, message: 'redis-server did not start' });
    return {
      url,
      async stop() {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
      },
    };
  };
}

async function ping(url: string): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return true;
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}
