import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError, loadConfig, pistonHeaders } from '../config.js';
import { createPistonClient } from './piston-client.js';
import type { PistonRuntime } from './piston-schemas.js';

export interface PistonCheckOptions {
  /** The environment the gateway would start with (PISTON_URL, PISTON_AUTH_HEADER, ...). */
  env: Readonly<Record<string, string | undefined>>;
  /** Receives one line per step, for a deploy log. */
  log: (line: string) => void;
  /** Keeps asking a Piston that does not answer for this long before giving up (ms). */
  waitMs?: number;
  /** Pause between two attempts (ms). */
  retryDelayMs?: number;
}

/**
 * Checks that the gateway would start with a valid configuration and an explicitly set PISTON_URL
 * whose Piston answers with at least one runtime; resolves true when it does. Render runs it as
 * the blueprint's pre-deploy command, so such a deploy is canceled instead of going live to
 * answer 503 to everything.
 */
export async function checkPiston(options: PistonCheckOptions): Promise<boolean> {
  const { env, log } = options;
  // loadConfig treats an empty value as unset, so an empty PISTON_URL would quietly become
  // http://localhost:2000, which is never the Piston of a deployed gateway.
  if (!env.PISTON_URL?.trim()) {
    log(
      'PISTON_URL is not set: give it the address of your Piston (e.g. https://piston.example.com)',
    );
    return false;
  }
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    log(error.message);
    return false;
  }
  const client = createPistonClient({
    baseUrl: config.PISTON_URL,
    timeoutMs: config.PISTON_TIMEOUT_MS,
    headers: pistonHeaders(config.PISTON_AUTH_HEADER),
  });
  try {
    const runtimes = await listWithRetries(() => client.listRuntimes(), options);
    if (typeof runtimes === 'string') {
      log(`Piston at ${config.PISTON_URL} did not answer: ${runtimes}`);
      return false;
    }
    if (runtimes.length === 0) {
      log(`Piston at ${config.PISTON_URL} answers but has no runtimes: run npm run piston:install`);
      return false;
    }
    log(
      `Piston at ${config.PISTON_URL} answers with ${runtimes.length} runtimes: ${names(runtimes)}`,
    );
    return true;
  } finally {
    client.close();
  }
}

/** The runtime list, or why the last attempt failed once waitMs has passed. */
async function listWithRetries(
  list: () => Promise<PistonRuntime[]>,
  options: PistonCheckOptions,
): Promise<PistonRuntime[] | string> {
  const deadline = Date.now() + (options.waitMs ?? 0);
  for (;;) {
    try {
      return await list();
    } catch (error) {
      const reason = describeFailure(error);
      if (Date.now() >= deadline) return reason;
      options.log(`not yet: ${reason}; trying again`);
      await sleep(options.retryDelayMs ?? 2000);
    }
  }
}

/** The client's message with what caused it (a network error code, or Piston's HTTP status). */
function describeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause = (error as { cause?: unknown }).cause as
    { code?: unknown; status?: unknown; errors?: { code?: unknown }[] } | undefined;
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  if (typeof code === 'string') return `${message} (${code})`;
  if (typeof cause?.status === 'number') return `${message} (HTTP ${cause.status})`;
  return message;
}

function names(runtimes: readonly PistonRuntime[]): string {
  const shown = runtimes.slice(0, 12).map((r) => `${r.language} ${r.version}`);
  return shown.join(', ') + (runtimes.length > shown.length ? ', ...' : '');
}
