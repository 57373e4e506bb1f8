import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** What a command-line run printed (stdout and stderr together) and its exit code. */
export interface CliRun {
  code: number | null;
  out: string;
}

/**
 * Runs one of the gateway's commands (`backend/src/cli/<name>.ts`, through tsx) as its own process
 * in `cwd`, with the test process's environment less PISTON_URL, plus `env`.
 */
export async function runCli(
  name: string,
  args: string[],
  { env = {}, cwd = process.cwd() }: { env?: Record<string, string>; cwd?: string } = {},
): Promise<CliRun> {
  const cli = fileURLToPath(new URL(`../../src/cli/${name}.ts`, import.meta.url));
  const inherited = { ...process.env };
  delete inherited.PISTON_URL;
  const child = spawn(process.execPath, ['--import', TSX, cli, ...args], {
    env: { ...inherited, ...env },
    cwd,
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, out };
}
