import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { checkPiston, type PistonCheckOptions } from '../../src/piston/piston-check.js';
import { startFakePiston, type FakePiston } from '../support/fake-piston-server.js';
import { freePort } from '../support/free-port.js';

let fake: FakePiston | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function check(env: PistonCheckOptions['env'], options: Partial<PistonCheckOptions> = {}) {
  const lines: string[] = [];
  const ok = await checkPiston({ env, log: (line) => lines.push(line), ...options });
  return { ok, lines };
}

describe('checkPiston', () => {
  it('when PISTON_URL is unset or empty, then it fails instead of trying localhost:2000', async () => {
    for (const env of [{}, { PISTON_URL: '' }, { PISTON_URL: '  ' }]) {
      const { ok, lines } = await check(env);

      expect(ok).toBe(false);
      expect(lines).toEqual([expect.stringMatching(/^PISTON_URL is not set/)]);
    }
  });

  it('when another setting is invalid, then it fails naming that key', async () => {
    const { ok, lines } = await check({ PISTON_URL: 'http://piston:2000', PORT: '70000' });

    expect(ok).toBe(false);
    expect(lines.join('\n')).toMatch(/PORT: expected a port number/);
  });

  it('when nothing listens at PISTON_URL, then it fails with the network error', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;

    const { ok, lines } = await check({ PISTON_URL: url });

    expect(ok).toBe(false);
    expect(lines).toEqual([
      `Piston at ${url} did not answer: ${lines[0]?.split(': ').pop() ?? ''}`,
    ]);
    expect(lines[0]).toMatch(/\(ECONNREFUSED\)$/);
  });

  it('when PISTON_URL points at the wrong path, then it fails with the HTTP status', async () => {
    fake = await startFakePiston();

    const { ok, lines } = await check({ PISTON_URL: `${fake.url}/api/v2/piston` });

    expect(ok).toBe(false);
    expect(lines.join('\n')).toContain('(HTTP 404)');
  });

  it('when Piston answers with runtimes, then it passes, sending PISTON_AUTH_HEADER', async () => {
    fake = await startFakePiston();

    const { ok, lines } = await check({
      PISTON_URL: fake.url,
      PISTON_AUTH_HEADER: 'X-Piston-Secret: s3cret-value',
    });

    expect(ok).toBe(true);
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`answers with ${fake.runtimes.length} runtimes: \\w`)),
    ]);
    expect(fake.runtimeCalls()[0]?.headers['x-piston-secret']).toBe('s3cret-value');
    expect(lines.join('\n')).not.toContain('s3cret-value');
  });

  it('when Piston has no runtimes installed, then it fails saying so', async () => {
    fake = await startFakePiston();
    fake.runtimes.length = 0;

    const { ok, lines } = await check({ PISTON_URL: fake.url });

    expect(ok).toBe(false);
    expect(lines.join('\n')).toMatch(/has no runtimes: run npm run piston:install/);
  });

  it('when Piston fails once and answers within the wait, then it passes after one retry', async () => {
    fake = await startFakePiston();
    fake.behave('runtimes', { kind: 'status', status: 503, body: {}, once: true });

    const { ok, lines } = await check(
      { PISTON_URL: fake.url },
      { waitMs: 60_000, retryDelayMs: 1 },
    );

    expect(ok).toBe(true);
    expect(lines[0]).toMatch(/^not yet: .*\(HTTP 503\); trying again$/);
    expect(fake.runtimeCalls()).toHaveLength(2);
  });
});

describe('npm run piston:check (the CLI)', () => {
  async function cli(args: string[], env: Record<string, string>) {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'backend/src/cli/check-piston.ts', ...args],
      { env: { ...process.env, PISTON_URL: '', ...env } },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    return { code, out };
  }

  it('when Piston answers, then it exits 0; when PISTON_URL is empty, then 1', async () => {
    fake = await startFakePiston();

    const up = await cli(['--wait-ms', '0'], { PISTON_URL: fake.url });
    const unset = await cli(['--wait-ms', '0'], {});

    expect(up).toMatchObject({ code: 0, out: expect.stringContaining('piston:check: Piston at') });
    expect(unset).toMatchObject({ code: 1, out: expect.stringContaining('PISTON_URL is not set') });
  });

  it('when --wait-ms is not a number, then it exits 2 with the usage', async () => {
    const { code, out } = await cli(['--wait-ms', 'soon'], {});

    expect(code).toBe(2);
    expect(out).toContain('usage: piston:check');
  });
});
