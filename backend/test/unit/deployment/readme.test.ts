import { existsSync, readdirSync } from 'node:fs';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { apiRequestLimit } from '../../../src/auth/api-keys.js';
import { loadConfig } from '../../../src/config.js';
import { ERROR_STATUS } from '../../../src/errors.js';
import { parse } from 'yaml';
import { useTestApps } from '../../support/build-test-app.js';
import { composeService, type ComposeFile } from '../../support/compose-schema.js';
import { REPO_ROOT, readRepoFile, readYaml } from '../../support/deployment-files.js';

// The README and the documents under docs/ name files, commands and endpoints; each must exist
// and work. The README is the front door; the reference it links to lives in docs/.
const DOCUMENTS = [
  'README.md',
  ...readdirSync(new URL('docs/', REPO_ROOT))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];
const documents = DOCUMENTS.map((path) => ({ path, text: readRepoFile(path) }));
const all = documents.map((doc) => doc.text).join('\n');
const api = readRepoFile('docs/execute.md');
const deploy = readRepoFile('docs/deploy.md');
const scripts = Object.keys(
  (JSON.parse(readRepoFile('package.json')) as { scripts: Record<string, string> }).scripts,
);
const app = useTestApps();

const unique = (values: Iterable<string>) => [...new Set(values)].sort();

describe('README.md and docs/', () => {
  it('when they link to a file of the repository, then the file exists', () => {
    for (const { path, text } of documents) {
      const links = unique(
        [...text.matchAll(/\]\(([^)#\s]+)\)/g)]
          .map((match) => match[1]!)
          .filter((target) => !/^[a-z]+:/.test(target)),
      );
      const base = new URL(path, REPO_ROOT);
      for (const target of links) {
        expect(existsSync(new URL(target, base)), `${path}: ${target}`).toBe(true);
      }
    }
  });

  it('when the README links to docs/, then every document there is reachable from it', () => {
    const readme = readRepoFile('README.md');
    const linked = DOCUMENTS.filter(
      (path) =>
        path !== 'README.md' && path !== 'docs/benchmarks.md' && readme.includes(`](${path}`),
    );
    // Reached from another document instead: the benchmarks (from the Quick start's commands).
    expect(readme).toContain('](docs/benchmarks.md)');
    expect(linked.length).toBeGreaterThan(8);
  });

  it('when it names an npm script, then package.json has it', () => {
    const named = unique(
      [...all.matchAll(/npm run ([a-z][a-z0-9:-]*)/g)].map((match) => match[1]!),
    );

    expect(named.length).toBeGreaterThan(5);
    for (const script of named) expect(scripts, script).toContain(script);
    expect(scripts).toEqual(expect.arrayContaining(['test', 'start']));
  });

  it("when it names a gateway endpoint, then the gateway routes it (Piston's own paths aside)", async () => {
    // With a token, so the public port serves /metrics too.
    const t = await app({ METRICS_TOKEN: 'a-metrics-token-for-the-test' });
    // `:name` parameters become a sample value; a route may then answer 404 for the value (an
    // unknown token), but never the gateway's own "no route" 404 or a 405.
    const endpoints = unique(
      [...all.matchAll(/\b(GET|POST) (\/[A-Za-z0-9/_.:-]*)/g)]
        .map(
          (match) =>
            `${match[1]} ${match[2]!.replace(/:id\b/g, '71').replace(/:[a-z]+/g, 'python')}`,
        )
        .filter((endpoint) => !endpoint.includes('/api/v2/')),
    );

    expect(endpoints.length).toBeGreaterThanOrEqual(6);
    for (const endpoint of endpoints) {
      const [method, path] = endpoint.split(' ') as ['GET' | 'POST', string];
      const res = await request(t.app)[method === 'GET' ? 'get' : 'post'](path).send({});
      const body = res.body as { error?: unknown };

      expect({ endpoint, status: res.status }).not.toMatchObject({ status: 405 });
      // The gateway's "no route" answer (a route's own 404, such as an unknown token, says more).
      expect({ endpoint, status: res.status, error: body.error }).not.toMatchObject({
        status: 404,
        error: expect.stringMatching(/^No route for /),
      });
    }
  });

  it("when it shows a key's usage, then the api limit is the one the gateway computes for that key", () => {
    const example = /```json\n(\{\n {2}"identity": \{ "type": "api_key"[\s\S]*?)```/.exec(api)?.[1];
    const usage = JSON.parse(example ?? 'null') as { limits: { name: string; limit: number }[] };
    const limit = (name: string) => usage.limits.find((entry) => entry.name === name)?.limit;

    expect(limit('api')).toBe(apiRequestLimit(limit('execute'), loadConfig({})));
  });

  it('when it shows the languages list, then that is what the gateway answers for the recorded runtimes', async () => {
    const t = await app();
    const example = /```json\n(\{\n {2}"languages": [\s\S]*?)```/.exec(api)?.[1];

    const res = await request(t.app).get('/api/execute/languages');

    expect(JSON.parse(example ?? 'null')).toEqual(res.body);
  });

  it('when a client reads the errors table, then it lists every error code with its status', () => {
    const table = new Map(
      [...api.matchAll(/^\| `([a-z_]+)` +\| (\d{3}) +\|/gm)].map((m) => [m[1]!, Number(m[2])]),
    );

    expect(Object.fromEntries(table)).toEqual(ERROR_STATUS);
  });

  it('when it lists what the compose stack installs, then that is piston/runtimes.json', () => {
    const manifest = JSON.parse(readRepoFile('piston/runtimes.json')) as object[];
    const section = deploy.slice(deploy.indexOf('What the first start installs'));
    const table = [
      ...section.split('\n\n', 3)[1]!.matchAll(/^\| `([a-z0-9+._-]+)` +\| ([0-9][^ |]*) +\|/gm),
    ].map((m) => ({
      language: m[1],
      version: m[2],
    }));

    expect(table).toEqual(manifest);
  });

  it('when it tells how to add a language, then it rebuilds, since the image carries the manifest', () => {
    const adding = /\*\*Adding a language\.\*\*([\s\S]*?)\n\n/.exec(deploy)?.[1] ?? '';

    expect(readRepoFile('Dockerfile')).toMatch(/^COPY piston\/runtimes\.json /m);
    expect(adding).toContain('`docker compose up -d --build`');
  });

  it('when it shows how to publish on loopback only, then the override replaces the port with the same container port', () => {
    const block = /```yaml\n(services:\n {2}gateway:\n {4}ports: !override[\s\S]*?)```/.exec(
      deploy,
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
