import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InstallerError, installRuntimes } from '../../src/piston/runtime-installer.js';
import type { RuntimeManifest } from '../../src/piston/runtime-manifest.js';
import { startFakePiston, type FakePiston } from '../support/fake-piston-server.js';
import { freePort } from '../support/free-port.js';
import { runCli } from '../support/run-cli.js';

let fake: FakePiston | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** A Piston whose index has python and node not yet installed, plus an uninstalled ruby. */
async function pistonWithMissingPackages(port?: number): Promise<FakePiston> {
  fake = await startFakePiston(port === undefined ? {} : { port });
  for (const pkg of fake.packages) {
    if (pkg.language === 'python' || pkg.language === 'node') pkg.installed = false;
  }
  fake.packages.push({ language: 'ruby', language_version: '3.0.1', installed: false });
  return fake;
}

const MANIFEST: RuntimeManifest = [
  { language: 'python', version: '3.11.2' },
  { language: 'node', version: '20.x' },
  { language: 'ruby', version: '3.0.1' },
  { language: 'bash', version: '5.2.15' },
];

function run(piston: FakePiston, overrides: Partial<Parameters<typeof installRuntimes>[0]> = {}) {
  const lines: string[] = [];
  const result = installRuntimes({
    pistonUrl: piston.url,
    manifest: MANIFEST,
    log: (line) => lines.push(line),
    sleep: () => Promise.resolve(),
    ...overrides,
  });
  return { result, lines };
}

const installCalls = (piston: FakePiston) =>
  piston.requests.filter((r) => r.method === 'POST' && r.path === '/api/v2/packages');

describe('installRuntimes', () => {
  it('when packages are missing, then it installs them one by one and skips the installed', async () => {
    const piston = await pistonWithMissingPackages();
    const { result, lines } = run(piston);

    const report = await result;

    expect(report).toEqual({
      installed: ['python 3.11.2', 'node 20.20.2', 'ruby 3.0.1'],
      skipped: ['bash 5.2.15'],
      failed: [],
    });
    expect(installCalls(piston).map((r) => r.body)).toEqual([
      { language: 'python', version: '3.11.2' },
      { language: 'node', version: '20.x' },
      { language: 'ruby', version: '3.0.1' },
    ]);
    expect(lines).toContain('[2/4] node 20.x: installing (may take up to 15 min)...');
    expect(
      lines.some((l) => /^\[2\/4\] node 20\.x: installed 20\.20\.2 in [\d.]+ s$/.test(l)),
    ).toBe(true);
    expect(lines).toContain('[4/4] bash 5.2.15: already installed (5.2.15)');
  });

  it('when run twice, then the second run installs nothing', async () => {
    const piston = await pistonWithMissingPackages();
    await run(piston).result;

    const second = await run(piston).result;

    expect(second.installed).toEqual([]);
    expect(second.skipped).toHaveLength(4);
    expect(installCalls(piston)).toHaveLength(3);
  });

  it('when it is a dry run, then it reports what it would install and installs nothing', async () => {
    const piston = await pistonWithMissingPackages();
    const { result, lines } = run(piston, { dryRun: true });

    expect((await result).installed).toHaveLength(3);
    expect(installCalls(piston)).toHaveLength(0);
    expect(lines).toContain('[1/4] python 3.11.2: would install');
  });

  it('when a package is not in the index, then it is reported failed and the rest still install', async () => {
    const piston = await pistonWithMissingPackages();

    const report = await run(piston, {
      manifest: [{ language: 'cobol', version: '1.0.0' }, ...MANIFEST],
    }).result;

    expect(report.failed).toEqual(['cobol 1.0.0']);
    expect(report.installed).toHaveLength(3);
  });

  it('when Piston fails an install, then that package is reported failed with its message', async () => {
    const piston = await pistonWithMissingPackages();
    piston.behave('install', { kind: 'status', status: 500, body: { message: 'download failed' } });
    const { result, lines } = run(piston);

    expect((await result).failed).toHaveLength(3);
    expect(lines.find((l) => l.startsWith('[1/4] python 3.11.2: FAILED'))).toMatch(
      /^\[1\/4\] python 3\.11\.2: FAILED after [\d.]+ s: HTTP 500: download failed$/,
    );
  });

  it('when Piston starts late, then it waits with backoff and then installs', async () => {
    const port = await freePort();
    const waits: number[] = [];
    const pending = installRuntimes({
      pistonUrl: `http://127.0.0.1:${port}`,
      manifest: MANIFEST,
      log: () => undefined,
      sleep: async (ms) => {
        waits.push(ms);
        if (waits.length === 3) await pistonWithMissingPackages(port);
      },
    });

    const report = await pending;

    expect(waits).toEqual([500, 1000, 2000]);
    expect(report.installed).toHaveLength(3);
  });

  it('when Piston never answers, then it gives up at the deadline with a clear error', async () => {
    const port = await freePort();

    await expect(
      installRuntimes({
        pistonUrl: `http://127.0.0.1:${port}`,
        manifest: MANIFEST,
        waitTimeoutMs: 300,
        log: () => undefined,
      }),
    ).rejects.toThrow(InstallerError);
  });

  it('when a shared secret is configured, then every call carries it', async () => {
    const piston = await pistonWithMissingPackages();

    await run(piston, { headers: { 'x-piston-secret': 's3cret' } }).result;

    expect(piston.requests.every((r) => r.headers['x-piston-secret'] === 's3cret')).toBe(true);
  });
});

describe('npm run piston:install', () => {
  /** Runs the CLI with the given environment (PISTON_URL removed unless given), in `cwd`. */
  async function cli(args: string[], env: Record<string, string>, cwd = process.cwd()) {
    return runCli('install-runtimes', args, { env, cwd });
  }

  it('when every package installs, then it exits 0 with a summary', async () => {
    const piston = await pistonWithMissingPackages();
    const dir = await mkdtemp(join(tmpdir(), 'manifest-'));
    await writeFile(join(dir, 'm.json'), JSON.stringify(MANIFEST));

    const { code, out } = await cli(['--manifest', join(dir, 'm.json')], {
      PISTON_URL: piston.url,
    });

    expect(out).toContain('done: 3 installed, 1 already installed, 0 failed');
    expect(code).toBe(0);
  });

  it('when a package does not exist, then it exits non-zero naming it', async () => {
    const piston = await pistonWithMissingPackages();
    const dir = await mkdtemp(join(tmpdir(), 'manifest-'));
    await writeFile(join(dir, 'm.json'), JSON.stringify([{ language: 'cobol', version: '1.0.0' }]));

    const { code, out } = await cli(['--manifest', join(dir, 'm.json')], {
      PISTON_URL: piston.url,
    });

    expect(code).toBe(1);
    expect(out).toContain('cobol 1.0.0: no such package');
  });

  it('when the manifest is invalid, then it exits 2 without calling Piston', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'manifest-'));
    await writeFile(join(dir, 'm.json'), JSON.stringify([{ language: 'python' }]));

    const { code, out } = await cli(['--manifest', join(dir, 'm.json')], {
      PISTON_URL: 'http://127.0.0.1:9',
    });

    expect(code).toBe(2);
    expect(out).toContain('invalid manifest');
  });

  async function manifestFile(manifest: RuntimeManifest = MANIFEST): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'manifest-'));
    await writeFile(join(dir, 'm.json'), JSON.stringify(manifest));
    return join(dir, 'm.json');
  }

  it('when PISTON_URL is only in .env, then it is read from there', async () => {
    const piston = await pistonWithMissingPackages();
    const dir = await mkdtemp(join(tmpdir(), 'dotenv-'));
    await writeFile(join(dir, '.env'), `PISTON_URL=${piston.url}\n`);

    const { code, out } = await cli(
      ['--manifest', await manifestFile(), '--wait-timeout-ms', '300'],
      {},
      dir,
    );

    expect(out).toContain(`into ${piston.url}`);
    expect(code).toBe(0);
  });

  it('when PISTON_URL is in both, then the environment wins over .env', async () => {
    const piston = await pistonWithMissingPackages();
    const dir = await mkdtemp(join(tmpdir(), 'dotenv-'));
    await writeFile(join(dir, '.env'), 'PISTON_URL=http://127.0.0.1:9\n');

    const { code } = await cli(
      ['--manifest', await manifestFile()],
      { PISTON_URL: piston.url },
      dir,
    );

    expect(code).toBe(0);
  });

  it('when an install outlasts --install-timeout-ms, then it exits 1 saying so', async () => {
    // A Piston that lists one missing package and never answers its install.
    const server = createServer((req, res) => {
      if (req.method === 'GET') {
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify([{ language: 'rust', language_version: '1.68.2', installed: false }]),
        );
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const manifest = await manifestFile([{ language: 'rust', version: '1.68.2' }]);

      const { code, out } = await cli(['--manifest', manifest, '--install-timeout-ms', '300'], {
        PISTON_URL: url,
      });

      expect(out).toContain('rust 1.68.2: FAILED after');
      expect(out).toContain('no answer within 0.3 s');
      expect(code).toBe(1);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('when a timeout is not a positive whole number, then it exits 2 naming the option', async () => {
    const { code, out } = await cli(['--install-timeout-ms', '15min'], {
      PISTON_URL: 'http://127.0.0.1:9',
    });

    expect(code).toBe(2);
    expect(out).toContain('--install-timeout-ms must be a whole number of milliseconds');
  });
});
