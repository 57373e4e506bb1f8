import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { postExecute, useTestApps, type TestApp } from '../support/build-test-app.js';
import { failConnectsTo } from '../support/fail-connects.js';

const app = useTestApps();
let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

let counter = 0;
const program = () => ({ language: 'python', code: `print(${++counter})` });

function portOf(t: TestApp): number {
  return Number(new URL(t.fake.url).port);
}

async function executionsLeft(t: TestApp): Promise<number | undefined> {
  const usage = await request(t.app).get('/api/usage');
  return (usage.body.limits as { name: string; remaining: number }[]).find(
    (limit) => limit.name === 'execute',
  )?.remaining;
}

describe('POST /api/execute when the gateway cannot open connections to Piston', () => {
  it.each(['EMFILE', 'ENFILE', 'EADDRNOTAVAIL'])(
    'when connecting fails with %s, then it is a 503 upstream_unavailable, not charged',
    async (code) => {
      const t = await app({ EXECUTE_RATE_LIMIT_MAX: '1' });
      await t.runtimes.refresh();
      restore = failConnectsTo(portOf(t), code);
      t.fake.dropConnections();

      const first = await postExecute(t, program());
      const second = await postExecute(t, program());

      for (const res of [first, second]) {
        expect(res.status).toBe(503);
        expect(res.body.code).toBe('upstream_unavailable');
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
        expect(JSON.stringify(res.body)).not.toContain(code);
      }
      expect(await executionsLeft(t)).toBe(1);
    },
  );

  it('when executions fail to connect while the runtime list comes over a kept-alive connection, then /health/ready is 503 until a new connection succeeds', async () => {
    const t = await app({}, { delayMs: 1000 }, { health: { readyMaxAgeMs: 0 } });
    await t.runtimes.refresh();
    restore = failConnectsTo(portOf(t));

    // One more at once than there are pooled connections: the last one needs a new connection.
    const pooled = t.fake.connectionsAccepted();
    const answers = await Promise.all(
      Array.from({ length: pooled + 1 }, () => postExecute(t, program())),
    );
    const notReady = await request(t.app).get('/health/ready');
    restore();
    restore = undefined;
    t.fake.dropConnections();
    const ready = await request(t.app).get('/health/ready');

    const statuses = answers.map((res) => res.status);
    expect(statuses).toContain(200);
    expect(statuses).toContain(503);
    expect(notReady.status).toBe(503);
    expect(notReady.body.code).toBe('upstream_unavailable');
    expect(JSON.stringify(notReady.body.details)).toContain('cannot open connections to Piston');
    expect(ready.status).toBe(200);
  });
});
