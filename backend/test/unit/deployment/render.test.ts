import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, loadConfig } from '../../../src/config.js';
import request from 'supertest';
import { buildTestApp } from '../../support/build-test-app.js';
import { readRepoFile, readYaml } from '../../support/deployment-files.js';

interface RenderService {
  type: string;
  runtime: string;
  buildCommand: string;
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

  it('when Render checks health, then the path is a gateway route that answers 200', async () => {
    const t = await buildTestApp();
    try {
      const res = await request(t.app).get(web.healthCheckPath);

      expect(res.status).toBe(200);
      expect(res.body.status).toBe('OK');
    } finally {
      await t.close();
    }
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
