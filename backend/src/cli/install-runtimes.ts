// npm run piston:install -- [--manifest piston/runtimes.json] [--dry-run] [--wait-timeout-ms N]
// Installs the Piston packages listed in the manifest into the Piston at PISTON_URL.
import { parseArgs } from 'node:util';
import { pistonHeaders } from '../config.js';
import { InstallerError, installRuntimes } from '../piston/runtime-installer.js';
import { readManifest } from '../piston/runtime-manifest.js';

const USAGE =
  'usage: piston:install [--manifest <file>] [--dry-run] [--wait-timeout-ms <ms>]\n' +
  'Piston address from PISTON_URL (default http://localhost:2000).';

async function run(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        manifest: { type: 'string', default: 'piston/runtimes.json' },
        'dry-run': { type: 'boolean', default: false },
        'wait-timeout-ms': { type: 'string', default: '120000' },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const pistonUrl = process.env.PISTON_URL || 'http://localhost:2000';
  const log = (line: string) => process.stdout.write(`${line}\n`);
  try {
    const manifest = await readManifest(args.manifest);
    log(
      `${args['dry-run'] ? 'dry run: ' : ''}${manifest.length} packages from ${args.manifest} into ${pistonUrl}`,
    );
    const report = await installRuntimes({
      pistonUrl,
      manifest,
      dryRun: args['dry-run'],
      headers: pistonHeaders(process.env.PISTON_AUTH_HEADER),
      waitTimeoutMs: Number(args['wait-timeout-ms']),
      log,
    });
    log(
      `done: ${report.installed.length} ${args['dry-run'] ? 'to install' : 'installed'}, ` +
        `${report.skipped.length} already installed, ${report.failed.length} failed`,
    );
    if (report.failed.length > 0) {
      process.stderr.write(`failed: ${report.failed.join(', ')}\n`);
      return 1;
    }
    return 0;
  } catch (error) {
    process.stderr.write(`piston:install: ${(error as Error).message}\n`);
    return error instanceof InstallerError ? 1 : 2;
  }
}

process.exitCode = await run();
