import { existsSync } from 'node:fs';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { parseDocument, type Document } from 'yaml';
import { CONFIG_KEYS, loadConfig } from '../../../src/config.js';
import { ERROR_STATUS } from '../../../src/errors.js';
import { SAFE_REQUEST_ID } from '../../../src/middleware/request-id.js';
import { ErrorResponseSchema } from '../../../src/schemas/execute-response.js';
import { KEEP_ALIVE_TIMEOUT_MS, requestTimeoutMs } from '../../../src/server.js';
import { useTestApps } from '../../support/build-test-app.js';
import {
  composeSchemaErrors,
  composeService,
  type ComposeFile,
} from '../../support/compose-schema.js';
import {
  REPO_ROOT,
  dockerfileEnv,
  readRepoFile,
  readYaml,
} from '../../support/deployment-files.js';

/** Compose's `!reset` tag (Compose 2.24+) replaces a value from the file below instead of merging. */
const RESET_TAG = { tag: '!reset', collection: 'seq' as const, resolve: (seq: unknown) => seq };
const document: Document = parseDocument(readRepoFile('docker-compose.scale.yml'), {
  customTags: [RESET_TAG],
});
const scale = document.toJS() as ComposeFile;
const base = readYaml('docker-compose.yml') as ComposeFile;
const nginx = readRepoFile('proxy/nginx.conf');
const defaults = loadConfig({});
const app = useTestApps();

const isReset = (path: string[]) =>
  (document.getIn(['services', ...path], true) as { tag?: string } | undefined)?.tag === '!reset';
/** The value of a one-argument nginx directive, e.g. `listen 8080;` → "8080". */
const directive = (name: string): string => {
  const match = new RegExp(`^\\s*${name}\\s+([^;]+);`, 'm').exec(nginx);
  if (!match?.[1]) throw new Error(`no ${name} in proxy/nginx.conf`);
  return match[1].trim();
};
const seconds = (value: string): number => {
  const match = /^(\d+)(s|m)?$/.exec(value);
  if (!match) throw new Error(`not an nginx time: ${value}`);
  return Number(match[1]) * (match[2] === 'm' ? 60 : 1);
};

describe('docker-compose.scale.yml', () => {
  it('when validated against the Compose Specification schema, then it is valid', async () => {
    expect(await composeSchemaErrors(scale)).toEqual([]);
  });

  it('when layered on the main file, then gateway replicas publish no port and the proxy publishes 5000', () => {
    const gateway = composeService(scale, 'gateway');
    const proxy = composeService(scale, 'proxy');

    expect(isReset(['gateway', 'ports'])).toBe(true);
    expect(gateway.ports).toEqual([]);
    expect(gateway.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(proxy.ports).toEqual([
      `${composeService(base, 'gateway').ports?.[0]?.split(':')[0]}:8080`,
    ]);
    expect(proxy.image).toMatch(/^nginx:1\.(2[89]|[3-9]\d)/); // `resolve` in upstreams: 1.27.3+
  });

  it('when the replicas start, then they share the two Redis the file starts and trust the one proxy hop', () => {
    const gateway = composeService(scale, 'gateway');
    const env = gateway.environment ?? {};

    for (const key of Object.keys(env)) expect(CONFIG_KEYS).toContain(key);
    const config = loadConfig(env);
    expect(config.REDIS_URL).toBe('redis://redis:6379');
    expect(config.SUBMISSIONS_REDIS_URL).toBe('redis://redis-queue:6379');
    expect(config.TRUST_PROXY).toBe(1);
    for (const redis of ['redis', 'redis-queue']) {
      expect(isReset([redis, 'profiles'])).toBe(true);
      expect(composeService(scale, redis).profiles).toEqual([]);
      expect(composeService(base, redis).healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
      expect(gateway.depends_on?.[redis]?.condition).toBe('service_healthy');
    }
  });

  it('when every replica runs its full execution limit, then Piston can take all of it', () => {
    const gateway = composeService(scale, 'gateway');
    const replicas = gateway.deploy?.replicas ?? 1;
    const perReplica = loadConfig(gateway.environment ?? {}).MAX_CONCURRENT_EXECUTIONS;
    const pistonJobs = Number(
      dockerfileEnv(readRepoFile('piston/Dockerfile')).PISTON_MAX_CONCURRENT_JOBS,
    );

    expect(replicas * perReplica).toBeLessThanOrEqual(pistonJobs);
  });

  it('when the proxy starts, then it waits for healthy gateways and mounts a config that exists', () => {
    const proxy = composeService(scale, 'proxy');
    const mount = proxy.volumes?.[0]?.split(':') ?? [];

    expect(proxy.depends_on?.gateway?.condition).toBe('service_healthy');
    expect(readRepoFile('Dockerfile')).toMatch(/^HEALTHCHECK /m);
    expect(existsSync(new URL(mount[0] ?? 'missing', REPO_ROOT))).toBe(true);
    expect(mount[1]).toBe('/etc/nginx/conf.d/default.conf');
  });

  it('when the proxy is checked, then it asks a gateway route through nginx', async () => {
    const probe = composeService(scale, 'proxy').healthcheck?.test ?? [];
    const url = new URL(probe.at(-1) ?? 'missing:');
    const t = await app();

    expect(probe.slice(0, 2)).toEqual(['CMD', 'wget']);
    expect(url.port).toBe(directive('listen'));
    expect((await request(t.app).get(url.pathname)).status).toBe(200);
  });
});

describe('proxy/nginx.conf', () => {
  it('when it forwards, then it reaches every gateway replica on the gateway port', () => {
    expect(directive('listen')).toBe('8080');
    expect(directive('server')).toBe(`gateway:${defaults.PORT} resolve`);
    expect(directive('resolver')).toMatch(/^127\.0\.0\.11 /);
    expect(directive('proxy_pass')).toBe('http://gateway');
  });

  it('when it forwards, then the client address replaces any forged X-Forwarded-For', () => {
    expect(nginx).toMatch(/proxy_set_header X-Forwarded-For \$remote_addr;/);
    expect(nginx).not.toMatch(/proxy_add_x_forwarded_for/);
  });

  it('when its limits are compared with the gateway, then the gateway decides first', () => {
    const bodyLimitBytes =
      Number(/^(\d+)m$/.exec(directive('client_max_body_size'))?.[1]) * 2 ** 20;

    expect(bodyLimitBytes).toBeGreaterThan(defaults.BODY_LIMIT);
    const bufferBytes = Number(/^(\d+)k$/.exec(directive('client_body_buffer_size'))?.[1]) * 1024;
    expect(bufferBytes).toBeGreaterThanOrEqual(defaults.MAX_CODE_BYTES);
    expect(seconds(directive('proxy_read_timeout')) * 1000).toBeGreaterThan(
      requestTimeoutMs(defaults),
    );
    expect(seconds(directive('keepalive_timeout')) * 1000).toBeLessThan(KEEP_ALIVE_TIMEOUT_MS);
  });

  it('when nginx answers by itself, then the body is the gateway error shape with the matching status', () => {
    const answers = [...nginx.matchAll(/return (\d{3}) '([^']+)';/g)];

    expect(answers.length).toBeGreaterThanOrEqual(3);
    for (const [, status, body] of answers) {
      const parsed = ErrorResponseSchema.parse(
        JSON.parse(body!.replace('$gateway_request_id', '0123abcd')),
      );
      expect(ERROR_STATUS[parsed.code as keyof typeof ERROR_STATUS]).toBe(Number(status));
    }
  });

  it('when a request comes in, then its id follows the gateway rule or is nginx own', () => {
    const map =
      /map \$http_x_request_id \$gateway_request_id \{\s*"~([^"]+)" \$http_x_request_id;\s*default \$request_id;/.exec(
        nginx,
      );

    expect(map?.[1]).toBe(SAFE_REQUEST_ID.source);
    expect(nginx).toMatch(/proxy_set_header X-Request-Id \$gateway_request_id;/);
    expect(nginx.match(/add_header X-Request-Id \$gateway_request_id always;/g)).toHaveLength(
      [...nginx.matchAll(/return \d{3} '/g)].length,
    );
  });

  it('when read, then its blocks balance and every directive is closed by ; or a block', () => {
    // nginx's grammar: quoted strings and comments aside, `name args... ;`, `name args... {`, `}`.
    const tokens = nginx
      .replace(/#.*$/gm, '') // before the quotes: comments have apostrophes, no string has a #
      .replace(/'[^']*'|"[^"]*"/g, 'STRING')
      .split(/([;{}])|\s+/)
      .filter((token): token is string => Boolean(token));
    let depth = 0;
    let words = 0;
    for (const token of tokens) {
      if (token === ';' || token === '{') {
        expect(words).toBeGreaterThan(0);
        if (token === '{') depth += 1;
        words = 0;
      } else if (token === '}') {
        expect(words).toBe(0);
        depth -= 1;
        expect(depth).toBeGreaterThanOrEqual(0);
      } else {
        words += 1;
      }
    }
    expect({ depth, words }).toEqual({ depth: 0, words: 0 });
  });
});
