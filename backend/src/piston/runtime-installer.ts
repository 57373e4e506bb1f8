import semver from 'semver';
import { z } from 'zod';
import { createInstallerHttp, formatDuration, type InstallerHttp } from './installer-http.js';
import type { RuntimeManifest } from './runtime-manifest.js';

const PackageListSchema = z.array(
  z.object({ language: z.string(), language_version: z.string(), installed: z.boolean() }),
);
type PackageList = z.infer<typeof PackageListSchema>;

/** How long one package install may take by default: Piston's own per-package limit. */
export const DEFAULT_INSTALL_TIMEOUT_MS = 15 * 60_000;
/** How long to wait for Piston to answer at all by default. */
export const DEFAULT_WAIT_TIMEOUT_MS = 120_000;
/** How often a long install says it is still running. */
const DEFAULT_PROGRESS_INTERVAL_MS = 30_000;
/** Bound on one `GET /packages` while waiting for Piston. */
const LIST_TIMEOUT_MS = 30_000;

export interface InstallerOptions {
  pistonUrl: string;
  manifest: RuntimeManifest;
  dryRun?: boolean;
  /** Extra headers for every call (a shared secret for a proxy in front of Piston). */
  headers?: Record<string, string>;
  /** How long to wait for Piston to answer at all, in ms. */
  waitTimeoutMs?: number;
  /** How long one package install may take, in ms (default 15 minutes; downloads can be large). */
  installTimeoutMs?: number;
  /** How often a running install logs that it is still running, in ms (default 30 s). */
  progressIntervalMs?: number;
  log: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

/** What one run did, package by package. */
export interface InstallReport {
  installed: string[];
  skipped: string[];
  failed: string[];
}

/** Thrown when the installer cannot do its job; the message is meant for the operator. */
export class InstallerError extends Error {
  override readonly name = 'InstallerError';
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type Outcome<T> = ({ ok: true } & T) | { ok: false; message: string };

/**
 * Makes Piston's installed packages match the manifest: waits for Piston, compares the manifest
 * with `GET /api/v2/packages`, installs what is missing one by one, skips what is installed.
 * Idempotent: a second run installs nothing. Each install may take `installTimeoutMs`; nothing
 * else bounds it (Piston sends no byte until the package is unpacked).
 */
export async function installRuntimes(options: InstallerOptions): Promise<InstallReport> {
  const http = createInstallerHttp({ pistonUrl: options.pistonUrl, headers: options.headers });
  try {
    const packages = await waitForPackageList(http, options);
    const report: InstallReport = { installed: [], skipped: [], failed: [] };
    for (const [index, entry] of options.manifest.entries()) {
      const label = `[${index + 1}/${options.manifest.length}] ${entry.language} ${entry.version}`;
      const result = await installOne(http, options, packages, entry, label);
      report[result.list].push(result.name);
    }
    return report;
  } finally {
    http.close();
  }
}

async function installOne(
  http: InstallerHttp,
  options: InstallerOptions,
  packages: PackageList,
  entry: RuntimeManifest[number],
  label: string,
): Promise<{ list: keyof InstallReport; name: string }> {
  const wanted = `${entry.language} ${entry.version}`;
  const candidates = packages.filter(
    (p) => p.language === entry.language && matches(p.language_version, entry.version),
  );
  if (candidates.length === 0) {
    options.log(`${label}: no such package in Piston's index`);
    return { list: 'failed', name: wanted };
  }
  const installed = candidates.find((p) => p.installed);
  if (installed) {
    options.log(`${label}: already installed (${installed.language_version})`);
    return { list: 'skipped', name: `${entry.language} ${installed.language_version}` };
  }
  if (options.dryRun) {
    options.log(`${label}: would install`);
    return { list: 'installed', name: wanted };
  }
  const timeoutMs = options.installTimeoutMs ?? DEFAULT_INSTALL_TIMEOUT_MS;
  options.log(`${label}: installing (may take up to ${formatDuration(timeoutMs)})...`);
  const started = Date.now();
  const progress = setInterval(() => {
    options.log(`${label}: still installing (${formatDuration(Date.now() - started)} so far)`);
  }, options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS);
  let outcome: Outcome<{ version: string }>;
  try {
    outcome = await install(http, entry, timeoutMs);
  } finally {
    clearInterval(progress);
  }
  const took = formatDuration(Date.now() - started);
  if (outcome.ok) {
    options.log(`${label}: installed ${outcome.version} in ${took}`);
    return { list: 'installed', name: `${entry.language} ${outcome.version}` };
  }
  options.log(`${label}: FAILED after ${took}: ${outcome.message}`);
  return { list: 'failed', name: wanted };
}

async function waitForPackageList(
  http: InstallerHttp,
  options: InstallerOptions,
): Promise<PackageList> {
  const sleep = options.sleep ?? delay;
  const deadline = Date.now() + (options.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS);
  let backoff = 500;
  for (let attempt = 1; ; attempt += 1) {
    const outcome = await fetchPackageList(http);
    if (outcome.ok) return outcome.packages;
    if (Date.now() + backoff > deadline) {
      throw new InstallerError(
        `Piston at ${options.pistonUrl} did not answer in time (last error: ${outcome.message})`,
      );
    }
    options.log(`waiting for Piston (attempt ${attempt}: ${outcome.message})`);
    await sleep(backoff);
    backoff = Math.min(backoff * 2, 5_000);
  }
}

async function fetchPackageList(http: InstallerHttp): Promise<Outcome<{ packages: PackageList }>> {
  const response = await http.request('GET', '/packages', { timeoutMs: LIST_TIMEOUT_MS });
  if (!response.ok) return response;
  if (response.status !== 200) return { ok: false, message: `HTTP ${response.status}` };
  const parsed = PackageListSchema.safeParse(response.json);
  return parsed.success
    ? { ok: true, packages: parsed.data }
    : { ok: false, message: 'unexpected answer to GET /packages' };
}

async function install(
  http: InstallerHttp,
  entry: RuntimeManifest[number],
  timeoutMs: number,
): Promise<Outcome<{ version: string }>> {
  const body = { language: entry.language, version: entry.version };
  const response = await http.request('POST', '/packages', { body, timeoutMs });
  if (!response.ok) {
    if (!response.timedOut) return response;
    // Piston goes on installing when the client stops waiting; a later run finds it installed.
    const hint = 'Piston may still finish it: run the installer again later, or allow more time';
    return { ok: false, message: `${response.message} (${hint})` };
  }
  const answer = z
    .object({ version: z.string().optional(), message: z.string().optional() })
    .safeParse(response.json);
  const fields = answer.success ? answer.data : {};
  if (response.status >= 200 && response.status < 300) {
    return { ok: true, version: fields.version ?? entry.version };
  }
  return { ok: false, message: `HTTP ${response.status}: ${fields.message ?? 'no message'}` };
}

function matches(available: string, wanted: string): boolean {
  if (available === wanted) return true;
  const version = semver.valid(available, { loose: true }) ?? semver.coerce(available)?.version;
  return (
    version !== undefined &&
    semver.validRange(wanted, { loose: true }) !== null &&
    semver.satisfies(version, wanted, { loose: true })
  );
}
