import semver from 'semver';
import { BadRequestError } from '../errors.js';
import type { PistonRuntime } from '../piston/piston-schemas.js';
import { COMMON_LANGUAGE_NAMES, editDistance } from './language-names.js';

const MAX_SUGGESTIONS = 3;

/** The installed runtime a request will run on. */
export interface ResolvedRuntime {
  /** Piston's canonical language name (`python`, `c++`, ...). */
  language: string;
  /** The exact installed version. */
  version: string;
  runtime: PistonRuntime;
}

/** Finds every installed runtime for a language name or alias, case-insensitively. */
export function findLanguage(runtimes: readonly PistonRuntime[], name: string): PistonRuntime[] {
  const term = name.trim().toLowerCase();
  const matches = (candidate: string) =>
    runtimes.filter(
      (rt) =>
        rt.language.toLowerCase() === candidate ||
        rt.aliases.some((alias) => alias.toLowerCase() === candidate),
    );
  const direct = matches(term);
  if (direct.length > 0) return direct;
  const common = COMMON_LANGUAGE_NAMES[term];
  return common ? matches(common) : [];
}

/**
 * Picks the runtime a request asked for: an exact version, a semver range, or (no version,
 * `*`, `latest`) the newest installed. Throws unsupported_version listing what is installed.
 */
export function pickVersion(
  candidates: readonly PistonRuntime[],
  requested: string | undefined,
): ResolvedRuntime {
  const wanted = requested?.trim();
  const sorted = [...candidates].sort((a, b) => compareVersions(b.version, a.version));
  let chosen: PistonRuntime | undefined;
  let isRange = true;
  if (!wanted || wanted === '*' || wanted.toLowerCase() === 'latest') {
    chosen = sorted[0];
  } else {
    isRange = semver.validRange(wanted, { loose: true }) !== null;
    chosen =
      sorted.find((rt) => rt.version === wanted) ??
      (isRange ? sorted.find((rt) => satisfies(rt.version, wanted)) : undefined);
  }
  if (!chosen) {
    const language = sorted[0]?.language ?? 'this language';
    const installed = sorted.map((rt) => rt.version);
    throw new BadRequestError(
      'unsupported_version',
      isRange
        ? `Version "${wanted ?? ''}" of ${language} is not installed`
        : `Version "${wanted ?? ''}" is neither a version nor a semver range (e.g. 3.11.2, 3.11, ^3.10, latest)`,
      {
        details: [
          {
            field: 'version',
            message: `Installed versions of ${language}: ${installed.join(', ')}`,
            installed,
          },
        ],
      },
    );
  }
  return { language: chosen.language, version: chosen.version, runtime: chosen };
}

/** Throws unsupported_language with the closest installed names as suggestions. */
export function unsupportedLanguage(
  runtimes: readonly PistonRuntime[],
  name: string,
): BadRequestError {
  const suggestions = suggestLanguages(runtimes, name);
  const hint = suggestions.length > 0 ? ` Did you mean ${suggestions.join(', ')}?` : '';
  return new BadRequestError(
    'unsupported_language',
    `Language "${name}" is not installed.${hint}`,
    {
      details: [
        {
          field: 'language',
          message: 'See GET /api/execute/languages for the installed languages',
          suggestions,
        },
      ],
    },
  );
}

/** The installed languages whose name or alias is closest to what was typed. */
export function suggestLanguages(runtimes: readonly PistonRuntime[], name: string): string[] {
  const term = name.trim().toLowerCase();
  const scored = new Map<string, number>();
  for (const rt of runtimes) {
    for (const candidate of [rt.language, ...rt.aliases]) {
      const lower = candidate.toLowerCase();
      // A prefix counts when both sides have two letters or more: "c" is no hint for "cobol".
      const prefix =
        Math.min(term.length, lower.length) >= 2 &&
        (lower.startsWith(term) || term.startsWith(lower));
      const distance = prefix ? 0.5 : editDistance(term, lower);
      if (distance <= Math.max(2, Math.floor(term.length / 3))) {
        scored.set(rt.language, Math.min(scored.get(rt.language) ?? Infinity, distance));
      }
    }
  }
  return [...scored.entries()]
    .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
    .slice(0, MAX_SUGGESTIONS)
    .map(([language]) => language);
}

/** Orders Piston versions newest-last, tolerating versions that are not strict semver. */
export function compareVersions(a: string, b: string): number {
  const va = semver.coerce(a, { loose: true });
  const vb = semver.coerce(b, { loose: true });
  if (va && vb) {
    const byVersion = semver.compare(va, vb);
    if (byVersion !== 0) return byVersion;
  }
  return a.localeCompare(b, undefined, { numeric: true });
}

function satisfies(version: string, range: string): boolean {
  const coerced = semver.valid(version, { loose: true }) ?? semver.coerce(version)?.version;
  return coerced ? semver.satisfies(coerced, range, { loose: true }) : false;
}
