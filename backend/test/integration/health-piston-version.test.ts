import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestApps } from '../support/build-test-app.js';

const app = useTestApps();

describe("Piston's version in /health and /health/ready", () => {
  /** The warnings logged about Piston's version. */
  const versionWarnings = (logs: string[]) =>
    logs
      .map((line) => JSON.parse(line) as { level: number; msg: string; pistonVersion?: unknown })
      .filter((entry) => entry.level === 40 && 'pistonVersion' in entry);

  it('when Piston says it is 3.1.1 at its root, then /health reports it and nothing is warned', async () => {
    const { app: gateway, fake, runtimes, logs } = await app();
    await runtimes.refresh();

    const res = await request(gateway).get('/health');

    expect(res.body.piston.version).toBe('3.1.1');
    expect(fake.requests.some((r) => r.method === 'GET' && r.path === '/')).toBe(true);
    expect(versionWarnings(logs)).toEqual([]);
  });

  it('when Piston is another major version, then it is reported and warned about once', async () => {
    const { app: gateway, runtimes, logs } = await app({}, { version: '4.0.0' });
    await runtimes.refresh();
    await runtimes.refresh();

    const res = await request(gateway).get('/health');

    expect(res.body.piston.version).toBe('4.0.0');
    expect(versionWarnings(logs)).toHaveLength(1);
    expect(versionWarnings(logs)[0]).toMatchObject({ pistonVersion: '4.0.0' });
  });

  it('when Piston moves to another version, then the readiness probe reads the new one', async () => {
    const { app: gateway, fake, logs } = await app({}, {}, { health: { readyMaxAgeMs: 0 } });

    const before = await request(gateway).get('/health/ready');
    fake.behave('version', { kind: 'status', status: 200, body: { message: 'Piston v4.2.0' } });
    const after = await request(gateway).get('/health/ready');

    expect(before.body.piston.version).toBe('3.1.1');
    expect(after.status).toBe(200);
    expect(after.body.piston.version).toBe('4.2.0');
    expect(versionWarnings(logs)).toHaveLength(1);
  });

  it('when the root of Piston hangs (a proxy that passes only /api/v2 on), then readiness does not wait for it', async () => {
    // Longer than the test's own timeout: a probe that waited for the root would fail the test.
    const { app: gateway, fake } = await app(
      { PISTON_TIMEOUT_MS: '60000' },
      {},
      { health: { readyMaxAgeMs: 0 } },
    );
    fake.behave('version', { kind: 'hang' });

    const ready = await request(gateway).get('/health/ready');

    expect(ready.status).toBe(200);
    expect(ready.body.piston.version).toBeNull();
  });

  it.each([
    [
      'answers its root with 404 (an older Piston)',
      { kind: 'status', status: 404, body: { message: 'Not Found' } },
    ],
    ['answers its root with something else', { kind: 'garbage' }],
  ] as const)(
    'when Piston %s, then the version is null, readiness holds and it is warned once',
    async (_name, behaviour) => {
      const { app: gateway, fake, runtimes, logs } = await app();
      fake.behave('version', behaviour);
      await runtimes.refresh();
      await runtimes.refresh();

      const ready = await request(gateway).get('/health/ready');

      expect(ready.status).toBe(200);
      expect(ready.body.piston.version).toBeNull();
      expect(versionWarnings(logs)).toHaveLength(1);
    },
  );
});
