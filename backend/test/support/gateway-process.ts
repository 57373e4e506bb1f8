import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** Start-up through tsx on a loaded machine can take several seconds. */
export const GATEWAY_START_MS = 30_000;

/** A gateway running as its own process: backend/src/main.ts through tsx, as the image runs it. */
export interface GatewayProcess {
  child: ChildProcess;
  /** The port it listens on (PORT=0: the one it logged). */
  port: number;
  /** What it wrote to stdout (JSON log lines) and stderr so far. */
  output(): string;
  /** Kills it with SIGKILL (no shutdown at all) and resolves once it is gone. */
  kill(): Promise<void>;
}

/**
 * For a test file: returns a starter of gateway processes, each killed after its test. A gateway
 * listens on a free port (PORT=0), without the metrics port, logging at info level; `env` adds to
 * (or overrides) the test process's own environment. Resolves once it logged `gateway listening`.
 *
 * @example const start = useGatewayProcesses(); const gateway = await start({ PISTON_URL: fake.url });
 */
export function useGatewayProcesses(): (env: Record<string, string>) => Promise<GatewayProcess> {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });
  return async (env) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'backend/src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', METRICS_PORT: 'off', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const port = await listeningPort(child, () => output);
    return {
      child,
      port,
      output: () => output,
      async kill() {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
      },
    };
  };
}

/** The port of the child's `gateway listening` log line; rejects if it exits or takes too long. */
function listeningPort(child: ChildProcess, output: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`the gateway did not start in time:\n${output()}`));
    }, GATEWAY_START_MS);
    const onData = () => {
      const line = output()
        .split('\n')
        .find((text) => text.includes('"gateway listening"'));
      if (!line) return;
      finish();
      resolve((JSON.parse(line) as { port: number }).port);
    };
    const onExit = () => {
      finish();
      reject(new Error(`the gateway exited at start-up:\n${output()}`));
    };
    const finish = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}
