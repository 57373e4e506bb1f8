import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakePiston, type FakePiston } from '../support/fake-piston-server.js';
import { freePort } from '../support/free-port.js';
import { postJson } from '../support/http-exchange.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const SHUTDOWN_TIMEOUT_MS = 1000;
/** Start-up through tsx on a loaded machine can take several seconds. */
const START_MS = 30_000;

const children: ChildProcess[] = [];
const fakes: FakePiston[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

/** Runs backend/src/main.ts (through tsx) as the image runs dist/main.js: its own process. */
function startGateway(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'backend/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, METRICS_PORT: 'off', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

/** Resolves with the child's exit code, or undefined when it is still running after `ms`. */
async function exitWithin(child: ChildProcess, ms: number): Promise<number | null | undefined> {
  if (child.exitCode !== null) return child.exitCode;
  const timer = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return Promise.race([exited, timer]);
}

/** Resolves once the child's stdout has carried a line containing `text`. */
async function stdoutLine(child: ChildProcess, text: string): Promise<void> {
  let seen = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${text}" on stdout: ${seen}`)), START_MS);
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

describe('the gateway process', () => {
  it(
    'when stdout is a pipe closed early, then SIGTERM still ends it within SHUTDOWN_TIMEOUT_MS',
    async () => {
      const fake = await startFakePiston();
      fakes.push(fake);
      const port = await freePort();
      const child = startGateway({
        PORT: String(port),
        PISTON_URL: fake.url,
        SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      });

      // As `node dist/main.js | head -1`: the reader goes away after the first line.
      await stdoutLine(child, 'gateway listening');
      child.stdout?.destroy();
      const answer = await postJson(port, { language: 'python', code: 'print(1)' });
      child.kill('SIGTERM');
      // The bound main.ts sets (SHUTDOWN_TIMEOUT_MS + 3 s), plus slack for a loaded machine.
      const code = await exitWithin(child, SHUTDOWN_TIMEOUT_MS + 3000 + 5000);

      expect(answer.status).toBe(200);
      expect(code).toBe(0);
    },
    START_MS + 20_000,
  );

  it(
    'when a setting is valid but easy to regret, then a warning at start-up names it',
    async () => {
      const fake = await startFakePiston();
      fakes.push(fake);
      const child = startGateway({
        PORT: String(await freePort()),
        PISTON_URL: fake.url,
        RUN_MEMORY_LIMIT_BYTES: '-1',
      });

      await stdoutLine(child, 'RUN_MEMORY_LIMIT_BYTES: -1: no memory limit');
      child.kill('SIGTERM');
      expect(await exitWithin(child, SHUTDOWN_TIMEOUT_MS + 10_000)).toBe(0);
    },
    START_MS + 20_000,
  );

  it(
    'when the port is taken, then it exits non-zero at once, saying why',
    async () => {
      const blocker = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, resolve));
      const { port } = blocker.address() as { port: number };
      let stderr = '';

      try {
        const child = startGateway({ PORT: String(port), PISTON_URL: 'http://127.0.0.1:9' });
        child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        const code = await exitWithin(child, START_MS);

        expect(code).toBe(1);
        expect(stderr).toContain(`Cannot listen on port ${port}: another process`);
      } finally {
        blocker.close();
      }
    },
    START_MS + 10_000,
  );
});
