import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export const REPO_ROOT = new URL('../../../', import.meta.url);

/** Reads a file at the repository root. */
export function readRepoFile(path: string): string {
  return readFileSync(new URL(path, REPO_ROOT), 'utf8');
}

/** Parses a YAML file at the repository root. */
export function readYaml(path: string): unknown {
  return parse(readRepoFile(path));
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

/** Every `UPPER_SNAKE` name in backticks inside a README section's table rows. */
export function readmeTableKeys(readme: string, heading: string): string[] {
  const start = readme.indexOf(`## ${heading}`);
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
