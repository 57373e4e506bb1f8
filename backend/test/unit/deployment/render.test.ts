import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, loadConfig } from '../../../src/config.js';
import { checkPiston } from '../../../src/piston/piston-check.js';
import request from 'supertest';
import { buildTestApp } from '../../support/build-test-app.js';
import { startFakePiston } from '../../support/fake-piston-server.js';
import { REPO_ROOT, readRepoFile, readYaml } from '../../support/deployment-files.js';

interface RenderService {
  type: string;
  runtime: string;
  buildCommand: string;
  preDeployCommand: string;
  startCommand: string;
  healthCheckPath: string;
  envVars: { key: string; value?: string; sync?: boolean }[];
}

const blueprint = readYaml('render.yaml') as { services: RenderService[] };
const web = blueprint.services[0]!;
const scripts = (JSON.parse(readRepoFile('package.json')) as { scripts: Record<string, string> })
  .scripts;

describe('render.yaml', () => {
  it('when parsed, then it defines one web service', () => {
    expect(blueprint.services).toHaveLength(1);
    expect(web.type).toBe('web');
    expect(web.runtime).toBe('node');
  });

  it('when its commands run, then they are real npm scripts', () => {
    for (const command of [web.buildCommand, web.startCommand]) {
      for (const match of command.matchAll(/npm (?:run )?(\S+)/g)) {
        const script = match[1]!;
        if (script === 'ci') continue;
        expect(Object.keys(scripts)).toContain(script);
      }
    }
  });

  it('when Render checks health, then the path answers 200, even while Piston is down (liveness)', async () => {
    const t = await buildTestApp();
    try {
      expect((await request(t.app).get(web.healthCheckPath)).body.status).toBe('OK');
      await t.fake.close();

      const res = await request(t.app).get(web.healthCheckPath);

      // Render restarts an instance after 60 s of failed checks: a Piston outage must not do that.
      expect(res.status).toBe(200);
      expect((await request(t.app).get('/health/ready')).status).toBe(503);
    } finally {
      await t.close();
    }
  });

  it('when a deploy starts, then the pre-deploy command is the built Piston check', () => {
    const [node, script, ...rest] = web.preDeployCommand.split(' ');

    expect([node, rest]).toEqual(['node', []]);
    expect(script).toMatch(/^dist\/cli\/[a-z-]+\.js$/);
    const source = script!.replace(/^dist\//, 'backend/src/').replace(/\.js$/, '.ts');
    expect(existsSync(new URL(source, REPO_ROOT))).toBe(true);
    expect(readRepoFile(source)).toContain('checkPiston(');
  });

  it("when the Blueprint is deployed with the prompts left empty, then the pre-deploy check fails; with Piston's address, it passes", async () => {
    const asDeployed = (prompted: Record<string, string>) => ({
      ...Object.fromEntries(
        web.envVars.flatMap((v) => (v.value === undefined ? [] : [[v.key, v.value]])),
      ),
      ...prompted,
    });
    const fake = await startFakePiston();
    try {
      const log = () => undefined;

      expect(await checkPiston({ env: asDeployed({}), log })).toBe(false);
      expect(await checkPiston({ env: asDeployed({ PISTON_URL: '' }), log })).toBe(false);
      expect(await checkPiston({ env: asDeployed({ PISTON_URL: fake.url }), log })).toBe(true);
    } finally {
      await fake.close();
    }
  });

  it('when the deploy guide lists what Render prompts for, then those are exactly the sync: false keys', () => {
    const readme = readRepoFile('docs/deploy.md');
    const sentence = /When you create the Blueprint, Render prompts for([\s\S]*?)\n\n/.exec(
      readme,
    )?.[1];
    const named = [...(sentence ?? '').matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]);
    const prompted = web.envVars.filter((v) => v.sync === false).map((v) => v.key);

    expect(prompted.length).toBeGreaterThan(0);
    expect([...new Set(named)].sort()).toEqual([...prompted].sort());
  });

  it('when env vars are set, then each is a config key and every key but PORT and HOST is there', () => {
    const keys = web.envVars.map((v) => v.key);

    expect(keys.filter((key) => !CONFIG_KEYS.includes(key as never))).toEqual([]);
    expect(
      CONFIG_KEYS.filter((key) => key !== 'PORT' && key !== 'HOST' && !keys.includes(key)),
    ).toEqual([]);
  });

  it('when deployed, then it trusts one proxy hop and prompts for the Piston address and secret', () => {
    const byKey = Object.fromEntries(web.envVars.map((v) => [v.key, v]));

    expect(byKey.TRUST_PROXY?.value).toBe('1');
    expect(byKey.PISTON_URL).toEqual({ key: 'PISTON_URL', sync: false });
    expect(byKey.PISTON_AUTH_HEADER).toEqual({ key: 'PISTON_AUTH_HEADER', sync: false });
    expect(byKey.METRICS_TOKEN).toEqual({ key: 'METRICS_TOKEN', sync: false });
  });

  it('when the set values are loaded, then they pass the config schema', () => {
    const env = Object.fromEntries(
      web.envVars.flatMap((v) => (v.value === undefined ? [] : [[v.key, v.value]])),
    );
    expect(() => loadConfig(env)).not.toThrow();
  });
});
