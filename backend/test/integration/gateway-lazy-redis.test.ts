import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const GATEWAY = fileURLToPath(new URL('../../src/gateway.ts', import.meta.url));

/**
 * Wires a whole gateway in a fresh Node process (this one has loaded every package the tests
 * use) and lists the Redis packages Node then holds. ioredis is CommonJS, so it is in
 * `require.cache` however it was imported; BullMQ loads it too.
 */
const SCRIPT = `
import { createRequire } from 'node:module';
import { pino } from 'pino';
const { createGateway } = await import(${JSON.stringify(GATEWAY)});
const { loadConfig } = await import(${JSON.stringify(GATEWAY.replace(/gateway\.ts$/, 'config.ts'))});
const gateway = await createGateway(
  loadConfig({ PISTON_URL: 'http://127.0.0.1:9', METRICS_PORT: 'off' }),
  pino({ level: 'silent' }),
);
const loaded = Object.keys(createRequire(import.meta.url).cache)
  .map((path) => /node_modules\\/(ioredis|bullmq)\\//.exec(path)?.[1])
  .filter(Boolean);
await gateway.close();
console.log(JSON.stringify([...new Set(loaded)]));
`;

describe('a gateway without Redis', () => {
  it('when REDIS_URL is not set, then ioredis and BullMQ are never loaded (17 MB of memory)', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', SCRIPT],
      { env: { ...process.env, REDIS_URL: '', SUBMISSIONS_REDIS_URL: '' }, timeout: 30_000 },
    );

    expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '')).toEqual([]);
  }, 40_000);
});
