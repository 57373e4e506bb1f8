import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export const REPO_ROOT = new URL('../../../', import.meta.url);

/** Reads a file at the repository root. */
export function readRepoFile(path: string): string {
  return readFileSync(new URL(path, REPO_ROOT), 'utf8');
}

/** Compose's merge tags (2.24+): `!reset` and `!override` replace a value of the file below. */
const COMPOSE_TAGS = (['!reset', '!override'] as const).flatMap((tag) =>
  (['seq', 'map'] as const).map((collection) => ({
    tag,
    collection,
    resolve: (value: unknown) => value,
  })),
);

/** Parses a YAML file at the repository root (Compose's merge tags read as plain values). */
export function readYaml(path: string): unknown {
  return parse(readRepoFile(path), { customTags: COMPOSE_TAGS });
}

/** `ENV A=1 B=2` (with line continuations) in a Dockerfile, as a map. */
export function dockerfileEnv(text: string): Record<string, string> {
  const joined = text.replace(/\\\r?\n/g, ' ');
  const env: Record<string, string> = {};
  for (const line of joined.split('\n')) {
    const match = /^\s*ENV\s+(.*)$/i.exec(line);
    if (!match?.[1]) continue;
    for (const pair of match[1].matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S+)/g)) {
      if (pair[1] && pair[2]) env[pair[1]] = pair[2].replace(/^"|"$/g, '');
    }
  }
  return env;
}

/** Every `UPPER_SNAKE` name in backticks inside a document's (or one `##` section's) table rows. */
export function readmeTableKeys(readme: string, heading?: string): string[] {
  const start = heading === undefined ? 0 : readme.indexOf(`## ${heading}`);
  const end = readme.indexOf('\n## ', start + 3);
  const section = readme.slice(start, end === -1 ? undefined : end);
  const keys = new Set<string>();
  for (const line of section.split('\n').filter((l) => l.startsWith('| `'))) {
    const firstCell = line.split('|')[1] ?? '';
    for (const match of firstCell.matchAll(/`([A-Z][A-Z0-9_]+)`/g))
      if (match[1]) keys.add(match[1]);
  }
  return [...keys];
}

/** `ARG NAME=default` lines of a Dockerfile, as a map. */
export function dockerfileArgs(text: string): Record<string, string> {
  return Object.fromEntries(
    [...text.matchAll(/^ARG\s+(\w+)=(\S+)/gm)].map((m) => [m[1] ?? '', m[2] ?? '']),
  );
}

/** The images of a Dockerfile's FROM lines, with ARG defaults substituted (stage names skipped). */
export function dockerfileBaseImages(text: string): string[] {
  const args = dockerfileArgs(text);
  const stages = new Set([...text.matchAll(/^FROM\s+\S+\s+AS\s+(\S+)/gim)].map((m) => m[1]));
  return [...text.matchAll(/^FROM\s+(\S+)/gm)]
    .map((m) => (m[1] ?? '').replace(/\$\{(\w+)\}/g, (_, name: string) => args[name] ?? ''))
    .filter((image) => !stages.has(image));
}

/** The default of a Compose interpolation such as `${PISTON_IMAGE:-ghcr.io/...}`, else the value. */
export function composeDefault(value: string): string {
  return /^\$\{\w+:-([^}]*)\}$/.exec(value)?.[1] ?? value;
}

/**
 * Piston's image as its workflow publishes it (engineer-man/piston, .github/workflows/api-push.yaml
 * pushes `ghcr.io/engineer-man/piston` with no tag): `latest`, or pinned by digest. Version tags such
 * as `:3.1.1` do not exist and fail the pull.
 */
export const PISTON_IMAGE = /^ghcr\.io\/engineer-man\/piston(?::latest|@sha256:[0-9a-f]{64})$/;

/**
 * Official-image tags checked against docker-library/official-images (library/node, library/redis,
 * library/nginx at 37079fb336, 2026-08-22). A tag added here must be looked up there first: Docker
 * Hub keeps retired tags pullable, but only the listed ones still get rebuilt with security fixes.
 */
export const PUBLISHED_TAGS: Readonly<Record<string, readonly string[]>> = {
  node: ['22-slim', '24-slim', '26-slim'],
  redis: ['7.4-alpine', '8.10-alpine'],
  nginx: ['1.30-alpine', '1.31-alpine'],
};

/** True when an image reference is a published official-image tag from PUBLISHED_TAGS. */
export function isPublishedTag(image: string): boolean {
  const [name, tag] = image.split(':');
  return Boolean(name && tag && PUBLISHED_TAGS[name]?.includes(tag));
}
