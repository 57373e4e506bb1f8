import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A request/response pair recorded from a real Piston 3.1.1 (see fixtures/README in shared/). */
export interface PistonFixture {
  name: string;
  request: { method: string; path: string; body: unknown };
  response: { status: number; headers: Record<string, string>; body: unknown };
}

export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** Loads one fixture by file name without the `.json`. */
export function loadFixture(name: string): PistonFixture {
  const raw = JSON.parse(readFileSync(`${FIXTURES_DIR}${name}.json`, 'utf8')) as Omit<
    PistonFixture,
    'name'
  >;
  return { name, ...raw };
}

/** Every fixture in the folder. */
export function loadAllFixtures(): PistonFixture[] {
  return readdirSync(FIXTURES_DIR)
    .filter((file) => file.endsWith('.json'))
    .map((file) => loadFixture(file.slice(0, -'.json'.length)));
}

/** The fixtures of successful executions (200 answers to POST /api/v2/execute). */
export function executionFixtures(): PistonFixture[] {
  return loadAllFixtures().filter(
    (f) => f.request.path === '/api/v2/execute' && f.response.status === 200,
  );
}
