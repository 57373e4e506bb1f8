import type { Logger } from 'pino';
import type { PistonClient } from '../piston/piston-client.js';
import type { PistonRuntime } from '../piston/piston-schemas.js';

/** After a failed refresh, how long the last good list is served before Piston is asked again. */
const RETRY_AFTER_FAILURE_MS = 5_000;
/** The least time between two early refreshes triggered by unknown languages. */
const EARLY_REFRESH_INTERVAL_MS = 30_000;

/** The Piston major version the gateway is built and tested against. */
/** How long a list refresh waits for Piston's version beside the list. */
const VERSION_TIMEOUT_MS = 1000;

export const SUPPORTED_PISTON_MAJOR = 3;

export interface RuntimeCacheOptions {
  /** `version` and `connectionProblem` are optional so that a test double may leave them out. */
  client: Pick<PistonClient, 'listRuntimes'> &
    Partial<Pick<PistonClient, 'version' | 'connectionProblem'>>;
  ttlMs: number;
  logger: Pick<Logger, 'warn' | 'info'>;
  now?: () => number;
  earlyRefreshIntervalMs?: number;
}

/** What the cache knows right now, without asking Piston. */
export interface RuntimeCacheSnapshot {
  runtimes: readonly PistonRuntime[] | undefined;
  /** Whether the most recent call to Piston succeeded (undefined before the first call). */
  lastCallOk: boolean | undefined;
  /** When Piston was last asked (ms since epoch), successfully or not; 0 before the first call. */
  lastCallAt: number;
  /** Bumped every time a new list is stored, for ETags. */
  generation: number;
  /** Why new connections to Piston fail on the gateway's side (`EMFILE`, ...), if they do. */
  connectionProblem: string | undefined;
  /** The version Piston last reported (`"3.1.1"`); null until it has said one. */
  version: string | null;
}

/** Installed runtimes, cached with a TTL, single-flight refreshes and stale-if-error. */
export interface RuntimeCache {
  /** The runtime list: cached while fresh, else refreshed; a stale list is served if Piston fails. */
  get(): Promise<readonly PistonRuntime[]>;
  /** Asks Piston now (joining a refresh already under way) and returns the new list. */
  refresh(): Promise<readonly PistonRuntime[]>;
  /** Refreshes early for an unknown language, at most once per interval. True if it refreshed. */
  refreshForUnknownLanguage(): Promise<boolean>;
  /** Marks the list stale so the next get() asks Piston; the list stays as a fallback. */
  invalidate(): void;
  snapshot(): RuntimeCacheSnapshot;
}

/** Creates the runtime cache; it makes no call to Piston until first asked. */
export function createRuntimeCache(options: RuntimeCacheOptions): RuntimeCache {
  const now = options.now ?? Date.now;
  const earlyInterval = options.earlyRefreshIntervalMs ?? EARLY_REFRESH_INTERVAL_MS;
  let runtimes: readonly PistonRuntime[] | undefined;
  let expiresAt = 0;
  let lastCallAt = 0;
  let lastCallOk: boolean | undefined;
  let lastEarlyRefreshAt = Number.NEGATIVE_INFINITY;
  let generation = 0;
  let inFlight: Promise<readonly PistonRuntime[]> | undefined;
  let version: string | null = null;
  let warnedVersion: string | null | undefined;

  /**
   * Reads Piston's version beside every list refresh: `latest` images move, so what the gateway
   * talks to can change under it. When Piston does not answer, the last version known stays.
   * Warns once per version outside 3.x (or once when Piston's answer names none).
   */
  async function readVersion(): Promise<void> {
    if (!options.client.version) return;
    let said: string | undefined;
    try {
      // Bounded on its own: a root that hangs (a proxy that passes only /api/v2 on) must not hold
      // the list refresh, and the readiness probe with it.
      said = await options.client.version(AbortSignal.timeout(VERSION_TIMEOUT_MS));
    } catch {
      return; // Not answering at all: the list call reports that.
    }
    version = said ?? null;
    warnAboutVersion(version);
  }

  function warnAboutVersion(said: string | null): void {
    if (said !== null && Number(said.split('.')[0]) === SUPPORTED_PISTON_MAJOR) return;
    if (warnedVersion === said) return;
    warnedVersion = said;
    options.logger.warn(
      { pistonVersion: said, supportedMajor: SUPPORTED_PISTON_MAJOR },
      said === null
        ? 'Piston did not report its version; the gateway is tested against Piston 3'
        : `Piston ${said} is not a 3.x release; the gateway is tested against Piston 3`,
    );
  }

  async function fetchRuntimes(): Promise<readonly PistonRuntime[]> {
    try {
      const [list] = await Promise.all([options.client.listRuntimes(), readVersion()]);
      runtimes = list;
      generation += 1;
      lastCallOk = true;
      expiresAt = now() + options.ttlMs;
      return list;
    } catch (error) {
      lastCallOk = false;
      if (runtimes) {
        expiresAt = now() + Math.min(RETRY_AFTER_FAILURE_MS, options.ttlMs);
        options.logger.warn({ err: error }, 'runtime refresh failed; serving the last good list');
      }
      throw error;
    } finally {
      lastCallAt = now();
    }
  }

  function refresh(): Promise<readonly PistonRuntime[]> {
    inFlight ??= fetchRuntimes().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  return {
    async get() {
      if (runtimes && now() < expiresAt) return runtimes;
      try {
        return await refresh();
      } catch (error) {
        if (runtimes) return runtimes;
        throw error;
      }
    },
    refresh,
    async refreshForUnknownLanguage() {
      if (now() - lastEarlyRefreshAt < earlyInterval) return false;
      lastEarlyRefreshAt = now();
      try {
        await refresh();
        return true;
      } catch {
        return false;
      }
    },
    invalidate() {
      expiresAt = 0;
    },
    snapshot() {
      return {
        runtimes,
        lastCallOk,
        lastCallAt,
        generation,
        connectionProblem: options.client.connectionProblem?.(),
        version,
      };
    },
  };
}
