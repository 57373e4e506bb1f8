import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/support/free-port.js';
import { waitFor } from '../test/support/wait-for.js';

export { freePort };

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A child process the bench started, with the URL it serves. */
export interface Child {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
}

/** Runs one of the bench's TypeScript CLIs with tsx and waits for its "LISTENING <url>" line. */
async function startCli(script: string, args: string[], name: string): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      const match = /LISTENING (\S+)/.exec(chunk.toString());
      if (match?.[1]) resolve(match[1]);
    });
  });
  return { url, process: child, stop: stopper(child) };
}

/** Starts the fake Piston in its own process with a fixed answer delay. */
export function startFakePistonProcess(
  delayMs: number,
  maxConcurrentJobs?: number,
): Promise<Child> {
  const args = [String(delayMs), ...(maxConcurrentJobs ? [String(maxConcurrentJobs)] : [])];
  return startCli('backend/bench/fake-piston-cli.ts', args, 'fake Piston');
}

/** Starts the bare node:http proxy (the overhead bench's floor) in front of a Piston URL. */
export function startBareProxyProcess(pistonUrl: string): Promise<Child> {
  return startCli('backend/bench/bare-proxy-cli.ts', [pistonUrl], 'bare proxy');
}

/** `npm start` as argv after `node`: the bench runs the gateway exactly as production does. */
function startArguments(nodeFlags?: readonly string[]): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  const [node, ...args] = pkg.scripts.start.split(' ');
  if (node !== 'node') throw new Error(`npm start is not a node command: ${pkg.scripts.start}`);
  // BENCH_NODE_FLAGS: the same script, with these flags in place of npm start's.
  return nodeFlags ? [...nodeFlags, ...args.filter((arg) => !arg.startsWith('-'))] : args;
}

/**
 * Starts the built gateway (as `npm start` does, or with `nodeFlags` instead of its flags)
 * against a Piston URL and waits until ready.
 */
export async function startGatewayProcess(
  pistonUrl: string,
  env: Record<string, string> = {},
  nodeFlags?: readonly string[],
): Promise<Child> {
  const port = await freePort();
  const child = spawn(process.execPath, startArguments(nodeFlags), {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      PORT: String(port),
      PISTON_URL: pistonUrl,
      RATE_LIMIT_MAX: '1000000000',
      EXECUTE_RATE_LIMIT_MAX: '1000000000',
      // Several gateways run at once (cache-and-scale) and would all take the default 9464.
      METRICS_PORT: 'off',
      ...env,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}`);
      return fetch(`${url}/health/ready`).then(
        (res) => res.ok,
        () => false,
      );
    },
    { timeoutMs: 15_000, intervalMs: 100, message: 'gateway did not become ready' },
  );
  return { url, process: child, stop: stopper(child) };
}
