import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { formatReport, runSmoke, type CheckResult } from '../../src/smoke/run-smoke.js';
import { README_EXAMPLES } from '../../src/smoke/smoke-checks.js';
import { useTestServers, type TestApp } from '../support/build-test-app.js';
import { HAS_REDIS_SERVER, useRedisServers } from '../support/redis-server.js';
import { runCli } from '../support/run-cli.js';
import { startFakePiston, type FakePistonOptions } from '../support/fake-piston-server.js';

/** The README's program sent as base64 decodes to this; the fake has no recorded answer for it. */
const FAKE_OPTIONS: FakePistonOptions = { stdoutByProgram: { 'print("hi")': 'hi\n' } };

const { app, serve } = useTestServers();
const startRedis = useRedisServers();

/** A real gateway on a free port in front of the fake Piston. */
async function gateway(env: Record<string, string> = {}, fake = FAKE_OPTIONS) {
  const t: TestApp = await app(env, fake);
  const { port } = await serve(t);
  return { t, url: `http://127.0.0.1:${port}` };
}

async function keyCount(url: string): Promise<number> {
  const redis = new Redis(url);
  try {
    return await redis.dbsize();
  } finally {
    redis.disconnect();
  }
}

const byName = (results: CheckResult[], name: string) => results.find((r) => r.name === name);
const failures = (results: CheckResult[]) => results.filter((r) => r.outcome === 'fail');

describe('runSmoke', () => {
  it('when the deployment works, then every check passes, README examples and runtimes', async () => {
    const { url } = await gateway();

    const results = await runSmoke({ baseUrl: url });

    expect(failures(results)).toEqual([]);
    expect(results.map((r) => r.name)).toEqual([
      'GET /health/ready',
      'GET /health',
      'GET /api/execute/languages',
      'GET /api/usage',
      ...README_EXAMPLES.map((e) => `README: ${e.name}`),
      'hello: bash 5.2.15',
      'hello: c 12.2.0',
      'hello: c++ 12.2.0',
      'hello: java 17.0.15',
      'hello: javascript 20.20.2',
      'hello: python 3.11.2',
      'hello: sqlite3 3.40.1',
    ]);
    expect(byName(results, 'GET /api/execute/languages')?.detail).toBe('7 runtimes');
    expect(byName(results, 'hello: java 17.0.15')?.detail).toMatch(/^"Hello, Java!\\n" in \d+ ms$/);
  });

  it('when an example prints something else, then that check fails saying what it got', async () => {
    const { url } = await gateway({}, { stdoutByProgram: {} });

    const results = await runSmoke({ baseUrl: url });

    expect(failures(results)).toEqual([
      {
        name: 'README: a program sent as base64',
        outcome: 'fail',
        detail: 'output "ok\\n", expected "hi\\n"',
      },
    ]);
    const report = formatReport(results);
    expect(report).toMatch(
      /README: a program sent as base64 +FAIL +output "ok\\n", expected "hi\\n"/,
    );
    expect(report).toContain('13 passed, 1 failed, 0 skipped');
  });

  it('when Piston is down, then readiness and every execution fail with the reason', async () => {
    const { t, url } = await gateway();
    await t.fake.close();

    const results = await runSmoke({ baseUrl: url });

    expect(byName(results, 'GET /health/ready')).toMatchObject({
      outcome: 'fail',
      detail: 'HTTP 503 upstream_unavailable: The execution engine is not ready',
    });
    expect(byName(results, 'GET /health')?.outcome).toBe('pass');
    const readme = results.filter((r) => r.name.startsWith('README: '));
    expect(readme.every((r) => r.outcome === 'fail' && r.detail.startsWith('HTTP 503'))).toBe(true);
  });

  it('when a program fails, then its check shows the error and the first line of stderr', async () => {
    const { t, url } = await gateway();
    t.fake.behave('execute', {
      kind: 'status',
      status: 200,
      body: {
        language: 'python',
        version: '3.11.2',
        run: {
          stdout: '',
          stderr: 'Traceback (most recent call last):\n  ...\n',
          code: 1,
          signal: null,
          output: '',
        },
      },
    });

    const results = await runSmoke({ baseUrl: url });

    expect(byName(results, 'README: hello world (Quick start)')).toEqual({
      name: 'README: hello world (Quick start)',
      outcome: 'fail',
      detail: 'Runtime Error (exit code 1): Traceback (most recent call last):',
    });
  });

  it('when the gateway requires an API key, then it is sent and used', async () => {
    const env = { REQUIRE_API_KEY: 'true', API_KEYS: 'smoke:smoke-key-0123456789:50' };
    const { url } = await gateway(env);

    const withKey = await runSmoke({ baseUrl: url, apiKey: 'smoke-key-0123456789' });
    const without = await runSmoke({ baseUrl: url });

    expect(failures(withKey)).toEqual([]);
    expect(byName(withKey, 'GET /api/usage')?.detail).toMatch(
      /^as api_key smoke, \d+ executions left$/,
    );
    expect(byName(without, 'GET /api/usage')?.detail).toMatch(/^HTTP 401 api_key_required: /);
  });

  it('when nothing listens at the address, then every check fails with the network error', async () => {
    const results = await runSmoke({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 2000 });

    expect(results).toHaveLength(4 + README_EXAMPLES.length);
    expect(results.every((r) => r.outcome === 'fail' && r.detail.includes('ECONNREFUSED'))).toBe(
      true,
    );
  });
});

// Each starts a process that compiles TypeScript on the fly: seconds on a loaded machine.
describe('npm run smoke', { timeout: 60_000 }, () => {
  /** Runs the CLI in an empty directory (no .env) with PISTON_URL only when given. */
  async function cli(args: string[], env: Record<string, string> = {}) {
    return runCli('smoke', args, { env, cwd: await mkdtemp(join(tmpdir(), 'smoke-')) });
  }

  it('when given a working gateway, then it prints the table and exits 0', async () => {
    const { url } = await gateway();

    const { code, out } = await cli(['--gateway', url]);

    expect(out).toContain(`smoke test: the gateway at ${url}`);
    expect(out).toContain('14 passed, 0 failed, 0 skipped');
    expect(code).toBe(0);
  });

  it('when only PISTON_URL is set, then it runs a gateway of its own in front of that Piston', async () => {
    const fake = await startFakePiston(FAKE_OPTIONS);
    try {
      const { code, out } = await cli([], { PISTON_URL: fake.url });

      expect(out).toMatch(
        /a gateway in this process \(http:\/\/127\.0\.0\.1:\d+\) in front of Piston/,
      );
      expect(out).toContain('14 passed, 0 failed, 0 skipped');
      expect(code).toBe(0);
      expect(fake.executeCalls().length).toBe(README_EXAMPLES.length + 7);
    } finally {
      await fake.close();
    }
  });

  it.skipIf(!HAS_REDIS_SERVER)(
    "when the environment names the deployment's Redis, then the gateway of its own touches neither",
    async () => {
      const [shared, queue] = await Promise.all([startRedis(), startRedis()]);
      const fake = await startFakePiston(FAKE_OPTIONS);
      try {
        const env = {
          PISTON_URL: fake.url,
          REDIS_URL: shared.url,
          SUBMISSIONS_REDIS_URL: queue.url,
        };
        const { code } = await cli([], env);

        expect(code).toBe(0);
        // Its workers would otherwise join the deployment's submission queue.
        for (const redis of [shared, queue]) expect(await keyCount(redis.url)).toBe(0);
      } finally {
        await fake.close();
      }
    },
    30_000,
  );

  it('when a check fails, then it exits 1', async () => {
    const { t, url } = await gateway();
    await t.fake.close();

    const { code, out } = await cli(['--gateway', url]);

    expect(out).toContain('GET /health/ready');
    expect(out).toMatch(/\d+ failed/);
    expect(code).toBe(1);
  });

  it('when neither a gateway nor PISTON_URL is given, then it exits 2 with the usage', async () => {
    const { code, out } = await cli([]);

    expect(out).toContain('give --gateway <url>, or set PISTON_URL');
    expect(out).toContain('usage: smoke');
    expect(code).toBe(2);
  });
});
