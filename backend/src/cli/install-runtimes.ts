// npm run piston:install -- [--manifest piston/runtimes.json] [--dry-run] [--wait-timeout-ms N]
//   [--install-timeout-ms N]
// Installs the Piston packages listed in the manifest into the Piston at PISTON_URL.
import { config as loadDotenv } from 'dotenv';
import { pistonHeaders } from '../config.js';
import {
  DEFAULT_INSTALL_TIMEOUT_MS,
  DEFAULT_WAIT_TIMEOUT_MS,
  InstallerError,
  installRuntimes,
} from '../piston/runtime-installer.js';
import { readManifest } from '../piston/runtime-manifest.js';
import { milliseconds, parseOptions, UsageError } from './command-line.js';

const USAGE =
  'usage: piston:install [--manifest <file>] [--dry-run] [--wait-timeout-ms <ms>] ' +
  '[--install-timeout-ms <ms>]\n' +
  `  --wait-timeout-ms     how long to wait for Piston to answer at all (default ${DEFAULT_WAIT_TIMEOUT_MS})\n` +
  `  --install-timeout-ms  how long one package may take to install (default ${DEFAULT_INSTALL_TIMEOUT_MS}, 15 min)\n` +
  'Piston address from PISTON_URL (default http://localhost:2000), and PISTON_AUTH_HEADER,\n' +
  'from the environment or a .env file in the working directory.';

function parseCommandLine() {
  return parseOptions({
    manifest: { type: 'string', default: 'piston/runtimes.json' },
    'dry-run': { type: 'boolean', default: false },
    'wait-timeout-ms': { type: 'string', default: String(DEFAULT_WAIT_TIMEOUT_MS) },
    'install-timeout-ms': { type: 'string', default: String(DEFAULT_INSTALL_TIMEOUT_MS) },
    help: { type: 'boolean', default: false },
  });
}

async function run(): Promise<number> {
  // Like the gateway: a .env file in the working directory, never overriding the environment.
  loadDotenv({ quiet: true });
  const args = parseCommandLine();
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const waitTimeoutMs = milliseconds('wait-timeout-ms', args['wait-timeout-ms']);
  const installTimeoutMs = milliseconds('install-timeout-ms', args['install-timeout-ms']);
  const pistonUrl = process.env.PISTON_URL || 'http://localhost:2000';
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const manifest = await readManifest(args.manifest);
  const verb = args['dry-run'] ? 'to install' : 'installed';
  log(
    `${args['dry-run'] ? 'dry run: ' : ''}${manifest.length} packages from ${args.manifest} into ${pistonUrl}`,
  );
  const report = await installRuntimes({
    pistonUrl,
    manifest,
    dryRun: args['dry-run'],
    headers: pistonHeaders(process.env.PISTON_AUTH_HEADER),
    waitTimeoutMs,
    installTimeoutMs,
    log,
  });
  log(
    `done: ${report.installed.length} ${verb}, ` +
      `${report.skipped.length} already installed, ${report.failed.length} failed`,
  );
  if (report.failed.length > 0) {
    process.stderr.write(`failed: ${report.failed.join(', ')}\n`);
    return 1;
  }
  return 0;
}

process.exitCode = await run().catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`piston:install: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  process.stderr.write(`piston:install: ${(error as Error).message}\n`);
  return error instanceof InstallerError ? 1 : 2;
});
