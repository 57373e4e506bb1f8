import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import request from 'supertest';
import { buildTestApp } from '../../support/build-test-app.js';
import { dockerfileEnv, readRepoFile, readYaml } from '../../support/deployment-files.js';
import { startFakePiston } from '../../support/fake-piston-server.js';

const GATEWAY = readRepoFile('Dockerfile');
const PISTON = readRepoFile('piston/Dockerfile');
const DEFAULTS = loadConfig({});

describe.each([
  ['Dockerfile', GATEWAY],
  ['piston/Dockerfile', PISTON],
])('%s', (_name, text) => {
  it('when linted, then it has no errors or warnings', () => {
    expect(
      validate(text).map(
        (d) =>
          `${d.range.start.line + 1}: ${typeof d.message === 'string' ? d.message : d.message.value}`,
      ),
    ).toEqual([]);
  });

  it('when built, then it has a HEALTHCHECK', () => {
    expect(text).toMatch(/^HEALTHCHECK\s+/m);
  });
});

describe('gateway Dockerfile', () => {
  it('when run, then it runs as the unprivileged node user and exposes 5000 and the metrics port', () => {
    expect(GATEWAY).toMatch(/^USER node$/m);
    expect(GATEWAY).toMatch(new RegExp(`^EXPOSE 5000 ${String(DEFAULTS.METRICS_PORT)}$`, 'm'));
  });

  it('when built, then the final stage has production dependencies only', () => {
    expect(GATEWAY).toMatch(/npm ci --omit=dev/);
    expect(GATEWAY).toMatch(/COPY --from=prod-deps .*node_modules/);
  });

  it('when its health check runs, then it calls a route that answers 200', async () => {
    const path = /HEALTHCHECK[\s\S]*?'(\/[a-z/]*)'/.exec(GATEWAY)?.[1];
    const t = await buildTestApp();
    try {
      expect(path).toBe('/health');
      expect((await request(t.app).get(path!)).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('when started, then the command is the built server, as `npm start` runs it', () => {
    const pkg = JSON.parse(readRepoFile('package.json')) as { scripts: Record<string, string> };
    const cmd = /^CMD (\[.*\])$/m.exec(GATEWAY)?.[1];

    expect(JSON.parse(cmd ?? '[]')).toEqual(pkg.scripts.start?.split(' '));
    expect(pkg.scripts.start).toMatch(/^node .*dist\/main\.js$/);
  });

  it('when the build context is filtered, then sources and the manifest are in and secrets are out', () => {
    const ignore = readRepoFile('.dockerignore');
    expect(ignore).toMatch(/^\*\*$/m);
    expect(ignore).toContain('!backend/src/**');
    expect(ignore).toContain('!piston/runtimes.json');
    expect(ignore).not.toContain('!.env');
  });

  it('when built, then the browser code is in the context and bundled by npm run build into dist/', () => {
    const pkg = JSON.parse(readRepoFile('package.json')) as { scripts: Record<string, string> };
    expect(readRepoFile('.dockerignore')).toContain('!backend/web/**');
    expect(GATEWAY).toMatch(/^COPY backend\/web backend\/web$/m);
    expect(pkg.scripts.build).toMatch(/&& node dist\/cli\/build-web\.js$/);
    // The final stage ships dist/ whole, dist/public/ (the bundle) with it.
    expect(GATEWAY).toMatch(/^COPY --from=build .*\/app\/dist dist$/m);
  });

  it('when shipped, then the image carries the license notice', () => {
    expect(readRepoFile('.dockerignore')).toMatch(/^!LICENSE$/m);
    expect(GATEWAY).toMatch(/^COPY .*\bLICENSE\b.* \.\/$/m);
  });
});

describe('piston Dockerfile health check', () => {
  it('when it runs, then it calls the Piston route that lists runtimes', async () => {
    const url = /HEALTHCHECK[\s\S]*?'(http:\/\/127\.0\.0\.1:2000(\/[a-z0-9/]*))'/.exec(PISTON);
    const fake = await startFakePiston();
    try {
      expect(url?.[2]).toBe('/api/v2/runtimes');
      expect((await fetch(`${fake.url}${url?.[2] ?? ''}`)).status).toBe(200);
    } finally {
      await fake.close();
    }
  });
});

describe('piston Dockerfile limits', () => {
  const env = dockerfileEnv(PISTON);
  const limit = (key: string) => Number(env[key]);
  const allows = (pistonLimit: number, gatewayValue: number) =>
    pistonLimit < 0 || (gatewayValue >= 0 && gatewayValue <= pistonLimit);

  /** The gateway settings as deployed: defaults, then whatever compose and render.yaml set. */
  const deployedConfigs = () => {
    const compose = readYaml('docker-compose.yml') as {
      services: Record<string, { environment?: Record<string, string> }>;
    };
    const render = readYaml('render.yaml') as {
      services: { envVars: { key: string; value?: string }[] }[];
    };
    const renderEnv = Object.fromEntries(
      (render.services[0]?.envVars ?? []).flatMap((v) =>
        v.value === undefined ? [] : [[v.key, v.value]],
      ),
    );
    const composeEnv = compose.services.gateway?.environment ?? {};
    return [DEFAULTS, loadConfig(composeEnv), loadConfig(renderEnv)];
  };

  it('when networking and output are configured, then networking is off and output is bounded', () => {
    expect(env.PISTON_DISABLE_NETWORKING).toBe('true');
    expect(limit('PISTON_OUTPUT_MAX_SIZE')).toBeGreaterThan(0);
    expect(limit('PISTON_MAX_CONCURRENT_JOBS')).toBeGreaterThan(0);
  });

  it.each(
    deployedConfigs().map((config, i) => [['defaults', 'compose', 'render'][i], config] as const),
  )(
    'when the gateway runs with its %s settings, then Piston accepts every limit it can send',
    (_where, config) => {
      expect(limit('PISTON_RUN_TIMEOUT')).toBeGreaterThanOrEqual(config.MAX_RUN_TIMEOUT_MS);
      expect(limit('PISTON_RUN_CPU_TIME')).toBeGreaterThanOrEqual(config.MAX_RUN_TIMEOUT_MS);
      expect(limit('PISTON_COMPILE_TIMEOUT')).toBeGreaterThanOrEqual(config.COMPILE_TIMEOUT_MS);
      expect(limit('PISTON_COMPILE_CPU_TIME')).toBeGreaterThanOrEqual(config.COMPILE_TIMEOUT_MS);
      expect(allows(limit('PISTON_RUN_MEMORY_LIMIT'), config.RUN_MEMORY_LIMIT_BYTES)).toBe(true);
      expect(allows(limit('PISTON_COMPILE_MEMORY_LIMIT'), config.COMPILE_MEMORY_LIMIT_BYTES)).toBe(
        true,
      );
    },
  );
});
