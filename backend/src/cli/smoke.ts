// npm run smoke -- --gateway http://host:5000   (a running gateway)
// npm run smoke                                 (PISTON_URL set: a gateway in this process)
// Runs the README's examples and a hello-world per runtime; exit 1 when any check fails.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { config as loadDotenv } from 'dotenv';
import { pino } from 'pino';
import { loadConfig } from '../config.js';
import { createGateway } from '../gateway.js';
import { formatReport, runSmoke } from '../smoke/run-smoke.js';
import { milliseconds, parseOptions, UsageError } from './command-line.js';

const USAGE =
  'usage: smoke [--gateway <url>] [--timeout-ms <ms>]\n' +
  '  --gateway     a running gateway, e.g. http://localhost:5000; without it, PISTON_URL (from the\n' +
  '                environment or .env) must be set and a gateway is started in this process\n' +
  '  --timeout-ms  bound on each request (default 30000)\n' +
  'SMOKE_API_KEY: an API key to send (Authorization: Bearer), for REQUIRE_API_KEY deployments.';

function parseCommandLine() {
  return parseOptions({
    gateway: { type: 'string' },
    'timeout-ms': { type: 'string', default: '30000' },
    help: { type: 'boolean', default: false },
  });
}

/**
 * A gateway in this process on a free loopback port, in front of PISTON_URL, with the settings
 * of the environment and .env except those that would get in the smoke test's way: its own
 * rate limits, no metrics port, no shared Redis (neither REDIS_URL's nor SUBMISSIONS_REDIS_URL's).
 */
async function startLocalGateway(env: NodeJS.ProcessEnv) {
  const config = loadConfig({
    ...env,
    REDIS_URL: undefined,
    // Its workers would take jobs from the deployment's submission queue.
    SUBMISSIONS_REDIS_URL: undefined,
    METRICS_PORT: 'off',
    RATE_LIMIT_MAX: '100000',
    EXECUTE_RATE_LIMIT_MAX: '100000',
  });
  const gateway = await createGateway(config, pino({ level: 'silent' }));
  const server = createServer(gateway.app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    pistonUrl: config.PISTON_URL,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await gateway.close();
    },
  };
}

function gatewayUrl(value: string): string {
  try {
    return new URL(value).toString().replace(/\/+$/, '');
  } catch {
    throw new UsageError(`--gateway must be a URL such as http://localhost:5000, not "${value}"`);
  }
}

async function run(): Promise<number> {
  // Like the gateway: a .env file in the working directory, never overriding the environment.
  loadDotenv({ quiet: true });
  const args = parseCommandLine();
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const timeoutMs = milliseconds('timeout-ms', args['timeout-ms']);
  if (!args.gateway && !process.env.PISTON_URL) {
    throw new UsageError('give --gateway <url>, or set PISTON_URL to test a Piston directly');
  }
  const local = args.gateway ? undefined : await startLocalGateway(process.env);
  const baseUrl = local ? local.url : gatewayUrl(args.gateway ?? '');
  process.stdout.write(
    local
      ? `smoke test: a gateway in this process (${baseUrl}) in front of Piston at ${local.pistonUrl}\n`
      : `smoke test: the gateway at ${baseUrl}\n`,
  );
  try {
    const results = await runSmoke({
      baseUrl,
      apiKey: process.env.SMOKE_API_KEY || undefined,
      timeoutMs,
      // Progress for a person watching (executions take seconds on a real Piston); not in pipes.
      ...(process.stderr.isTTY
        ? { onResult: (r) => process.stderr.write(`  ${r.outcome} ${r.name}\n`) }
        : {}),
    });
    process.stdout.write(`${formatReport(results)}\n`);
    return results.some((r) => r.outcome === 'fail') ? 1 : 0;
  } finally {
    await local?.close();
  }
}

// 0: every check passed; 1: a check failed; 2: the smoke test could not run at all.
process.exitCode = await run().catch((error: unknown) => {
  const usage = error instanceof UsageError ? `\n${USAGE}` : '';
  process.stderr.write(`smoke: ${(error as Error).message}${usage}\n`);
  return 2;
});
