import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { dockerfileArgs, readRepoFile } from '../../support/deployment-files.js';

// One set of supported Node lines: package.json's engines (the baseline), the Docker image's line
// (.node-version names it for version managers), and what .ci/run builds and tests on.
const pkg = JSON.parse(readRepoFile('package.json')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};
const ci = readRepoFile('.ci/run');
const baseline = semver.minVersion(pkg.engines.node);
const imageLine = Number(
  /^node:(\d+)-/.exec(dockerfileArgs(readRepoFile('Dockerfile')).NODE_IMAGE ?? '')?.[1],
);
const otherLines = (/^OTHER_NODE_LINES=\(([\d ]+)\)$/m.exec(ci)?.[1] ?? '').split(' ').map(Number);
/** Node's long-term-support lines are its even majors. */
const isLts = (major: number) => Number.isInteger(major) && major % 2 === 0;

describe('supported Node lines', () => {
  it('when engines is read, then the baseline is a supported LTS from 22.12 on and @types/node matches it', () => {
    expect(baseline && semver.gte(baseline, '22.12.0')).toBe(true);
    expect(isLts(baseline?.major ?? 0)).toBe(true);
    expect(semver.minVersion(pkg.devDependencies['@types/node'] ?? '')?.major).toBe(
      baseline?.major,
    );
  });

  it("when the image's line is read, then it is an LTS that engines allows and .node-version names it", () => {
    expect(isLts(imageLine)).toBe(true);
    expect(semver.intersects(`${imageLine}.x`, pkg.engines.node)).toBe(true);
    expect(readRepoFile('.node-version').trim()).toBe(String(imageLine));
  });

  it("when CI runs, then it builds on the image's line and tests the baseline and the newer LTS too", () => {
    expect(ci).toMatch(/^PRIMARY_NODE_LINE="\$\(tr -d '\[:space:\]' <\.node-version\)"$/m);
    expect(otherLines).toContain(baseline?.major);
    expect(otherLines).not.toContain(imageLine);
    for (const line of otherLines) {
      expect(isLts(line), String(line)).toBe(true);
      expect(semver.intersects(`${line}.x`, pkg.engines.node), String(line)).toBe(true);
    }
    expect(Math.max(...otherLines)).toBeGreaterThan(imageLine);
  });

  it('when CI prepares, then Node is fetched before npm ci and the build runs after the tests', () => {
    // Commands at the start of a line, not their mentions in comments.
    const at = (text: string) => ci.indexOf(`\n${text}`);

    expect(at('export PATH="$PRIMARY_BIN:$PATH"')).toBeGreaterThan(-1);
    expect(at('export PATH="$PRIMARY_BIN:$PATH"')).toBeLessThan(at('npm ci'));
    expect(at('npm ci')).toBeLessThan(at('npm test'));
    expect(at('npm test')).toBeLessThan(at('npm run build'));
  });

  it('when the README says which Node runs the gateway, then it names the engines baseline', () => {
    expect(readRepoFile('README.md')).toContain(
      `Node ${baseline?.major}.${baseline?.minor} or later`,
    );
  });
});
