import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SMOKE_GET_PATHS } from '../../src/smoke/run-smoke.js';
import { README_EXAMPLES } from '../../src/smoke/smoke-checks.js';

/** README and the documents it sends readers to for the API and deploying: all one text here. */
const README = ['README.md', 'docs/execute.md', 'docs/deploy.md']
  .map((file) => readFileSync(new URL(`../../../${file}`, import.meta.url), 'utf8'))
  .join('\n');

interface CurlCommand {
  path: string;
  body?: unknown;
}

/**
 * Every curl command in README's `sh` blocks that talks to the gateway (localhost:5000), with its
 * path and its `-d '...'` body parsed as JSON. A single-quoted shell word cannot contain `'`, so
 * `'[^']*'` is the whole body, across lines.
 */
function readmeCurls(markdown: string): CurlCommand[] {
  const commands: CurlCommand[] = [];
  for (const block of markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)) {
    const pieces = (block[1] ?? '').split(/(?=\bcurl\s)/);
    for (const command of pieces.filter((piece) => piece.startsWith('curl'))) {
      const path = /localhost:5000(\/[^\s'"]*)/.exec(command)?.[1];
      if (!path) continue;
      const data = /\s-d\s+'([^']*)'/.exec(command)?.[1];
      commands.push(data === undefined ? { path } : { path, body: JSON.parse(data) as unknown });
    }
  }
  return commands;
}

const canonical = (value: unknown) => JSON.stringify(value);

describe('the smoke test and README', () => {
  const curls = readmeCurls(README);

  it('when README is read, then its curl commands are found (the parser still fits it)', () => {
    expect(curls.filter((c) => c.path === '/api/execute').length).toBeGreaterThanOrEqual(3);
  });

  it('when compared, then README shows exactly the execute requests the smoke test sends', () => {
    const inReadme = new Set(
      curls.filter((c) => c.path === '/api/execute').map((c) => canonical(c.body)),
    );
    const inSmoke = new Set(README_EXAMPLES.map((e) => canonical(e.body)));

    expect([...inReadme].sort()).toEqual([...inSmoke].sort());
  });

  it('when compared, then every GET the smoke test checks is one README shows', () => {
    const shown = new Set(curls.filter((c) => c.body === undefined).map((c) => c.path));

    for (const path of SMOKE_GET_PATHS) {
      expect(shown).toContain(path);
    }
  });

  it('when README shows an example answer, then the smoke test expects the same output', () => {
    const hello = README_EXAMPLES.find((e) => canonical(e.body).includes('Hello, World!'));

    expect(README).toContain(`"output": ${JSON.stringify(hello?.output)}`);
  });
});
