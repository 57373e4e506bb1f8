import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorResponseSchema } from '../../src/schemas/execute-response.js';
import { useTestServers } from '../support/build-test-app.js';
import { readRepoFile } from '../support/deployment-files.js';
import { exchange, postJson } from '../support/http-exchange.js';
import { freePort } from '../support/free-port.js';
import { waitFor } from '../support/wait-for.js';

// proxy/nginx.conf, the load balancer of docker-compose.scale.yml, run by a real nginx in front
// of real gateway servers. Only Docker's DNS is replaced: the replicas are listed by address.
const HAS_NGINX = spawnSync('nginx', ['-v']).status === 0;
if (!HAS_NGINX) {
  console.log('nginx proxy tests skipped: no nginx binary on PATH (.ci/run installs nginx-light)');
}

const { app, serve } = useTestServers();
const stops: (() => Promise<void>)[] = [];
/** Where each nginx (by port) writes its access log. */
const accessLogs = new Map<number, string>();
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

function accessLog(port: number): unknown[] {
  const lines = readFileSync(accessLogs.get(port) ?? '', 'utf8')
    .split('\n')
    .filter(Boolean);
  return lines.map((line) => JSON.parse(line) as unknown);
}

/** Replaces one thing the config must contain; a config that has changed fails loudly. */
function swap(text: string, pattern: RegExp | string, replacement: string): string {
  if (!text.match(pattern)) throw new Error(`proxy/nginx.conf no longer has ${String(pattern)}`);
  return text.replace(pattern, replacement);
}

/** The repository's nginx.conf with the replicas at these loopback ports, in a temporary prefix. */
function nginxConfig(dir: string, listenPort: number, upstreamPorts: number[]): string {
  const replicas = upstreamPorts.map((port) => `server 127.0.0.1:${port};`).join(' ');
  let site = readRepoFile('proxy/nginx.conf');
  site = swap(site, /^resolver .*$/m, '');
  site = swap(site, /server gateway:\d+ resolve;/, replicas);
  site = swap(site, 'listen 8080;', `listen 127.0.0.1:${listenPort};`);
  // Opening /dev/stdout fails when it is a socket, as under a test runner; a file does the job.
  site = swap(site, 'access_log /dev/stdout ', `access_log ${join(dir, 'access.log')} `);
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
    (name) => `${name}_temp_path ${join(dir, name)};`,
  );
  return [
    'daemon off;',
    // One process that keeps the test's user, so it can write its temporary files in `dir`.
    'master_process off;',
    `pid ${join(dir, 'nginx.pid')};`,
    `error_log ${join(dir, 'error.log')} warn;`,
    'events { worker_connections 256; }',
    'http {',
    'access_log off;',
    ...temp,
    site,
    '}',
  ].join('\n');
}

async function startNginx(upstreamPorts: number[]): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-nginx-'));
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, nginxConfig(dir, port, upstreamPorts));
  const args = ['-p', dir, '-e', join(dir, 'error.log'), '-c', conf];
  const check = spawnSync('nginx', ['-t', '-q', ...args]);
  expect(check.stderr.toString()).toBe('');
  expect(check.status).toBe(0);
  const nginx = spawn('nginx', args, { stdio: 'ignore' });
  accessLogs.set(port, join(dir, 'access.log'));
  stops.push(async () => {
    nginx.kill('SIGQUIT');
    await new Promise((resolve) => nginx.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  });
  const answers = () =>
    exchange(port, { path: '/health', method: 'GET' }).then(
      () => true,
      () => false,
    );
  await waitFor(answers, { timeoutMs: 2000, intervalMs: 20, message: 'nginx did not start' });
  return port;
}

const execute = (port: number, code: string, headers: Record<string, string> = {}) =>
  postJson(port, { language: 'python', code }, headers);

async function replicas(env: Record<string, string> = {}) {
  const started = [];
  for (let i = 0; i < 2; i += 1) {
    const t = await app({ TRUST_PROXY: '1', ...env });
    started.push({ t, port: (await serve(t)).port });
  }
  return started;
}

describe.skipIf(!HAS_NGINX)('nginx in front of two gateway replicas (proxy/nginx.conf)', () => {
  it('when requests arrive, then they are spread over both replicas and answered by them', async () => {
    const [a, b] = await replicas();
    const port = await startNginx([a!.port, b!.port]);

    const answers = await Promise.all([1, 2, 3, 4].map((n) => execute(port, `print(${n})`)));

    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(a!.t.fake.executeCalls().length).toBeGreaterThan(0);
    expect(b!.t.fake.executeCalls().length).toBeGreaterThan(0);
    expect(answers[0]?.headers['x-request-id']).toBeTruthy();
  });

  it('when a request carries an id or none, then the gateway answers with it or with nginx own', async () => {
    const [a, b] = await replicas();
    const port = await startNginx([a!.port, b!.port]);

    const given = await execute(port, 'print(1)', { 'X-Request-Id': 'trace-42' });
    const none = await execute(port, 'print(2)');
    const unsafe = await execute(port, 'print(3)', { 'X-Request-Id': 'a"b' });

    expect(given.headers['x-request-id']).toBe('trace-42');
    expect(accessLog(port)).toContainEqual(
      expect.objectContaining({ requestId: 'trace-42', method: 'POST', status: 200 }),
    );
    expect(none.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
  });

  it('when a client forges X-Forwarded-For, then the replicas still limit its real address', async () => {
    const [a, b] = await replicas({ EXECUTE_RATE_LIMIT_MAX: '1' });
    const port = await startNginx([a!.port, b!.port]);

    const statuses = [];
    for (const n of [1, 2, 3, 4]) {
      const forged = { 'X-Forwarded-For': `203.0.113.${n}` };
      statuses.push((await execute(port, `print(${n})`, forged)).status);
    }

    // One execution per replica for 127.0.0.1; a forged address would have let all four through.
    expect(statuses.filter((s) => s === 200)).toHaveLength(2);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
  });

  it('when a body is over the gateway limit, then the gateway answers its own JSON 413', async () => {
    const [a, b] = await replicas();
    const port = await startNginx([a!.port, b!.port]);
    const code = 'x'.repeat(2 * 1024 * 1024);

    const answer = await execute(port, code);

    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'payload_too_large' });
    expect(JSON.parse(answer.body).requestId).toBe(answer.headers['x-request-id']);
  });

  it('when a body is over what nginx lets through, then nginx answers the same JSON 413', async () => {
    const [a, b] = await replicas();
    const port = await startNginx([a!.port, b!.port]);

    const answer = await exchange(port, {
      headers: { 'content-type': 'application/json', 'content-length': 17 * 1024 * 1024 },
      body: '{"language":"python"',
    });

    expect(answer.status).toBe(413);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(ErrorResponseSchema.parse(JSON.parse(answer.body)).code).toBe('payload_too_large');
  });

  it('when no replica is up, then nginx answers a JSON 503 with Retry-After', async () => {
    const port = await startNginx([await freePort(), await freePort()]);

    const answer = await execute(port, 'print(1)');

    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('5');
    expect(JSON.parse(answer.body).requestId).toBe(answer.headers['x-request-id']);
    expect(ErrorResponseSchema.parse(JSON.parse(answer.body)).code).toBe('upstream_unavailable');
    expect(answer.body).not.toContain('nginx');
  });
});
