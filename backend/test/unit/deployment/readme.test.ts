import { existsSync } from 'node:fs';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { apiRequestLimit } from '../../../src/auth/api-keys.js';
import { loadConfig } from '../../../src/config.js';
import { ERROR_STATUS } from '../../../src/errors.js';
import { parse } from 'yaml';
import { useTestApps } from '../../support/build-test-app.js';
import { composeService, type ComposeFile } from '../../support/compose-schema.js';
import { REPO_ROOT, readRepoFile, readYaml } from '../../support/deployment-files.js';

// The README names files, commands and endpoints; each must exist and work.
const readme = readRepoFile('README.md');
const scripts = Object.keys(
  (JSON.parse(readRepoFile('package.json')) as { scripts: Record<string, string> }).scripts,
);
const app = useTestApps();

const unique = (values: Iterable<string>) => [...new Set(values)].sort();

describe('README.md', () => {
  it('when it links to a file of the repository, then the file exists', () => {
    const links = unique(
      [...readme.matchAll(/\]\(([^)#\s]+)\)/g)]
        .map((match) => match[1]!)
        .filter((target) => !/^[a-z]+:/.test(target)),
    );

    expect(links.length).toBeGreaterThan(5);
    for (const target of links) expect(existsSync(new URL(target, REPO_ROOT)), target).toBe(true);
  });

  it('when it names an npm script, then package.json has it', () => {
    const named = unique(
      [...readme.matchAll(/npm run ([a-z][a-z:-]*)/g)].map((match) => match[1]!),
    );

    expect(named.length).toBeGreaterThan(5);
    for (const script of named) expect(scripts, script).toContain(script);
    expect(scripts).toEqual(expect.arrayContaining(['test', 'start']));
  });

  it("when it names a gateway endpoint, then the gateway routes it (Piston's own paths aside)", async () => {
    // With a token, so the public port serves /metrics too.
    const t = await app({ METRICS_TOKEN: 'a-metrics-token-for-the-test' });
    const endpoints = unique(
      [...readme.matchAll(/\b(GET|POST) (\/[A-Za-z0-9/_.-]*)/g)]
        .map((match) => `${match[1]} ${match[2]}`)
        .filter((endpoint) => !endpoint.includes('/api/v2/')),
    );

    expect(endpoints.length).toBeGreaterThanOrEqual(6);
    for (const endpoint of endpoints) {
      const [method, path] = endpoint.split(' ') as ['GET' | 'POST', string];
      const res = await request(t.app)[method === 'GET' ? 'get' : 'post'](path).send({});

      expect({ endpoint, status: res.status }).not.toMatchObject({
        status: expect.toSatisfy((status: number) => status === 404 || status === 405),
      });
    }
  });

  it("when it shows a key's usage, then the api limit is the one the gateway computes for that key", () => {
    const example = /```json\n(\{\n {2}"identity": \{ "type": "api_key"[\s\S]*?)```/.exec(
      readme,
    )?.[1];
    const usage = JSON.parse(example ?? 'null') as { limits: { name: string; limit: number }[] };
    const limit = (name: string) => usage.limits.find((entry) => entry.name === name)?.limit;

    expect(limit('api')).toBe(apiRequestLimit(limit('execute'), loadConfig({})));
  });

  it('when it shows the languages list, then that is what the gateway answers for the recorded runtimes', async () => {
    const t = await app();
    const example = /```json\n(\{\n {2}"languages": [\s\S]*?)```/.exec(readme)?.[1];

    const res = await request(t.app).get('/api/execute/languages');

    expect(JSON.parse(example ?? 'null')).toEqual(res.body);
  });

  it('when a client reads the errors table, then it lists every error code with its status', () => {
    const table = new Map(
      [...readme.matchAll(/^\| `([a-z_]+)` +\| (\d{3}) +\|/gm)].map((m) => [m[1]!, Number(m[2])]),
    );

    expect(Object.fromEntries(table)).toEqual(ERROR_STATUS);
  });

  it('when it lists what the compose stack installs, then that is piston/runtimes.json', () => {
    const manifest = JSON.parse(readRepoFile('piston/runtimes.json')) as object[];
    const section = readme.slice(readme.indexOf('What the first start installs'));
    const table = [
      ...section.split('\n\n', 3)[1]!.matchAll(/^\| `([a-z0-9+._-]+)` +\| ([0-9][^ |]*) +\|/gm),
    ].map((m) => ({
      language: m[1],
      version: m[2],
    }));

    expect(table).toEqual(manifest);
  });

  it('when it tells how to add a language, then it rebuilds, since the image carries the manifest', () => {
    const adding = /\*\*Adding a language\.\*\*([\s\S]*?)\n\n/.exec(readme)?.[1] ?? '';

    expect(readRepoFile('Dockerfile')).toMatch(/^COPY piston\/runtimes\.json /m);
    expect(adding).toContain('`docker compose up -d --build`');
  });

  it('when it shows how to publish on loopback only, then the override replaces the port with the same container port', () => {
    const block = /```yaml\n(services:\n {2}gateway:\n {4}ports: !override[\s\S]*?)```/.exec(
      readme,
    )?.[1];
    const override = parse(block ?? '', {
      customTags: [{ tag: '!override', collection: 'seq', resolve: (v: unknown) => v }],
    }) as ComposeFile;
    const base = composeService(readYaml('docker-compose.yml') as ComposeFile, 'gateway');

    expect(composeService(override, 'gateway').ports).toEqual([
      `127.0.0.1:${base.ports?.[0] ?? ''}`,
    ]);
  });
});
