import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, loadConfig } from '../../../src/config.js';
import {
  composeSchemaErrors,
  composeService,
  type ComposeFile,
} from '../../support/compose-schema.js';
import { readRepoFile, readYaml } from '../../support/deployment-files.js';

const compose = readYaml('docker-compose.yml') as ComposeFile;
const service = (name: string) => composeService(compose, name);

describe('docker-compose.yml', () => {
  it('when validated against the Compose Specification schema, then it is valid', async () => {
    expect(await composeSchemaErrors(compose)).toEqual([]);
  });

  it('when Piston is defined, then it is privileged, keeps packages in a volume and publishes no port', () => {
    const piston = service('piston');

    expect(piston.build).toMatchObject({ context: './piston' });
    expect(piston.privileged).toBe(true);
    expect(piston.restart).toBe('unless-stopped');
    expect(piston.ports).toBeUndefined();
    expect(piston.volumes).toContain('piston-packages:/piston/packages');
    expect(compose.volumes).toHaveProperty('piston-packages');
  });

  it("when Piston runs jobs, then /tmp is an executable tmpfs, as in Piston's own compose file", () => {
    expect(service('piston').tmpfs).toEqual(['/tmp:exec']);
  });

  it('when the installer is defined, then it runs the built installer against piston after it is healthy', () => {
    const init = service('piston-init');

    expect(init.command?.slice(0, 2)).toEqual(['node', 'dist/cli/install-runtimes.js']);
    expect(init.command).toContain('piston/runtimes.json');
    expect(init.environment?.PISTON_URL).toBe('http://piston:2000');
    expect(init.depends_on?.piston?.condition).toBe('service_healthy');
    expect(readRepoFile('backend/src/cli/install-runtimes.ts')).toContain('installRuntimes');
  });

  it('when the gateway is defined, then it waits for a healthy Piston and a completed install', () => {
    const gateway = service('gateway');

    expect(gateway.build).toBe('.');
    expect(gateway.ports).toEqual(['5000:5000']);
    expect(gateway.environment?.PISTON_URL).toBe('http://piston:2000');
    expect(gateway.env_file).toEqual([{ path: '.env', required: false }]);
    expect(gateway.depends_on).toEqual({
      piston: { condition: 'service_healthy' },
      'piston-init': { condition: 'service_completed_successfully' },
    });
  });

  it('when .env sets PORT or HOST (as .env.example does), then the container still listens where ports publishes', () => {
    const gateway = service('gateway');
    const containerPort = Number(gateway.ports?.[0]?.split(':').at(-1));
    // Compose gives `environment` precedence over `env_file`.
    const config = loadConfig({ PORT: '8080', HOST: '127.0.0.1', ...gateway.environment });

    expect(config.PORT).toBe(containerPort);
    expect(config.HOST).toBeUndefined();
    expect(readRepoFile('Dockerfile')).toMatch(new RegExp(`^EXPOSE ${containerPort}\\b`, 'm'));
  });

  it('when Redis is wanted, then an optional redis service runs under the redis profile only', () => {
    const redis = service('redis');

    expect(redis.profiles).toEqual(['redis']);
    expect(redis.image).toMatch(/^redis:\d/);
    expect(redis.ports).toBeUndefined();
  });

  it('when Redis is wanted, then the submission queue gets a Redis of its own that never evicts and keeps what it holds', () => {
    const queue = service('redis-queue');
    const command = queue.command ?? [];
    const option = (name: string) =>
      command.includes(name) ? command[command.indexOf(name) + 1] : undefined;

    expect(queue.profiles).toEqual(['redis']);
    expect(queue.image).toBe(service('redis').image);
    expect(queue.ports).toBeUndefined();
    expect(queue.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(command[0]).toBe('redis-server');
    // BullMQ's "Going to production": noeviction, and AOF persistence.
    expect(option('--maxmemory-policy')).toBe('noeviction');
    expect(option('--appendonly')).toBe('yes');
    // The official image keeps its data in /data.
    expect(queue.volumes).toEqual(['redis-queue-data:/data']);
    expect(compose.volumes).toHaveProperty('redis-queue-data');
    // The cache's Redis keeps evicting: rate limits and cached results want allkeys-lru.
    expect(service('redis').command).toContain('allkeys-lru');
  });

  it('when any service sets environment variables for the gateway, then the config schema knows them', () => {
    for (const name of ['gateway', 'piston-init']) {
      for (const key of Object.keys(service(name).environment ?? {})) {
        expect(CONFIG_KEYS).toContain(key);
      }
    }
  });
});
