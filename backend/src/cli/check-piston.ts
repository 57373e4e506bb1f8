// npm run piston:check [-- --wait-ms N]
// Exits 0 when the gateway's settings are valid and the Piston at PISTON_URL (which must be set)
// answers with at least one runtime; 1 otherwise, saying why. render.yaml runs it before each deploy.
import { config as loadDotenv } from 'dotenv';
import { checkPiston } from '../piston/piston-check.js';
import { milliseconds, parseOptions, UsageError } from './command-line.js';

const USAGE =
  'usage: piston:check [--wait-ms <ms>]\n' +
  'Settings from the environment and .env, as the gateway reads them; PISTON_URL is required.';

async function run(): Promise<number> {
  const args = parseOptions({
    'wait-ms': { type: 'string', default: '20000' },
    help: { type: 'boolean', default: false },
  });
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const waitMs = milliseconds('wait-ms', args['wait-ms'], 0);
  loadDotenv({ quiet: true });
  const ok = await checkPiston({
    env: process.env,
    waitMs,
    log: (line) => process.stdout.write(`piston:check: ${line}\n`),
  });
  return ok ? 0 : 1;
}

process.exitCode = await run().catch((error: unknown) => {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`piston:check: ${error.message}\n${USAGE}\n`);
  return 2;
});
