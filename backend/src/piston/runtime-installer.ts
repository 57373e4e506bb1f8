import semver from 'semver';
import { z } from 'zod';
import { pistonApiRoot } from './piston-client.js';
import type { RuntimeManifest } from './runtime-manifest.js';

const PackageListSchema = z.array(
  z.object({ language: z.string(), language_version: z.string(), installed: z.boolean() }),
);
type PackageList = z.infer<typeof PackageListSchema>;

export interface InstallerOptions {
  pistonUrl: string;
  manifest: RuntimeManifest;
  dryRun?: boolean;
  /** Extra headers for every call (a shared secret for a proxy in front of Piston). */
  headers?: Record<string, string>;
  /** How long to wait for Piston to answer at all, in ms. */
  waitTimeoutMs?: number;
  /** How long one package install may take, in ms (downloads can be large). */
  installTimeoutMs?: number;
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

/**
 * Makes Piston's installed packages match the manifest: waits for Piston, compares the manifest
 * with `GET /api/v2/packages`, installs what is missing one by one, skips what is installed.
 * Idempotent: a second run installs nothing.
 */
export async function installRuntimes(options: InstallerOptions): Promise<InstallReport> {
  const root = pistonApiRoot(options.pistonUrl);
  const headers = { 'content-type': 'application/json', ...options.headers };
  const sleep = options.sleep ?? delay;

  const packages = await waitForPackageList();
  const report: InstallReport = { installed: [], skipped: [], failed: [] };
  const total = options.manifest.length;

  for (const [index, entry] of options.manifest.entries()) {
    const label = `[${index + 1}/${total}] ${entry.language} ${entry.version}`;
    const candidates = packages.filter(
      (p) => p.language === entry.language && matches(p.language_version, entry.version),
    );
    if (candidates.length === 0) {
      options.log(`${label}: no such package in Piston's index`);
      report.failed.push(`${entry.language} ${entry.version}`);
      continue;
    }
    const installed = candidates.find((p) => p.installed);
    if (installed) {
      options.log(`${label}: already installed (${installed.language_version})`);
      report.skipped.push(`${entry.language} ${installed.language_version}`);
      continue;
    }
    if (options.dryRun) {
      options.log(`${label}: would install`);
      report.installed.push(`${entry.language} ${entry.version}`);
      continue;
    }
    options.log(`${label}: installing...`);
    const started = Date.now();
    const outcome = await install(entry.language, entry.version);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (outcome.ok) {
      options.log(`${label}: installed ${outcome.version} in ${seconds} s`);
      report.installed.push(`${entry.language} ${outcome.version}`);
    } else {
      options.log(`${label}: FAILED: ${outcome.message}`);
      report.failed.push(`${entry.language} ${entry.version}`);
    }
  }
  return report;

  async function waitForPackageList(): Promise<PackageList> {
    const deadline = Date.now() + (options.waitTimeoutMs ?? 120_000);
    let backoff = 500;
    for (let attempt = 1; ; attempt += 1) {
      const outcome = await fetchPackageList();
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

  async function fetchPackageList(): Promise<
    { ok: true; packages: PackageList } | { ok: false; message: string }
  > {
    try {
      const response = await fetch(`${root}/packages`, {
        headers,
        signal: AbortSignal.timeout(30_000),
      });
      if (!response.ok) return { ok: false, message: `HTTP ${response.status}` };
      const parsed = PackageListSchema.safeParse(await response.json());
      return parsed.success
        ? { ok: true, packages: parsed.data }
        : { ok: false, message: 'unexpected answer to GET /packages' };
    } catch (error) {
      return { ok: false, message: describe(error) };
    }
  }

  async function install(
    language: string,
    version: string,
  ): Promise<{ ok: true; version: string } | { ok: false; message: string }> {
    try {
      const response = await fetch(`${root}/packages`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ language, version }),
        signal: AbortSignal.timeout(options.installTimeoutMs ?? 15 * 60_000),
      });
      const body = (await response.json().catch(() => ({}))) as {
        version?: unknown;
        message?: unknown;
      };
      if (response.ok) {
        return { ok: true, version: typeof body.version === 'string' ? body.version : version };
      }
      const message = typeof body.message === 'string' ? body.message : 'no message';
      return { ok: false, message: `HTTP ${response.status}: ${message}` };
    } catch (error) {
      return { ok: false, message: describe(error) };
    }
  }
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

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
