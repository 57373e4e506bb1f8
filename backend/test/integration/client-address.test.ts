import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { clientAddress } from '../../src/middleware/client-key.js';
import { useTestApps } from '../support/build-test-app.js';

const app = useTestApps();

const hello = { language: 'python', code: 'print("Hello, World!")' };

describe('client address behind proxies', () => {
  it('when X-Forwarded-For arrives while TRUST_PROXY is 0, then one warning explains the setting', async () => {
    const { app: gateway, logs } = await app();

    await request(gateway).get('/api/execute/languages').set('X-Forwarded-For', '1.1.1.1');
    await request(gateway).get('/api/execute/languages').set('X-Forwarded-For', '1.1.1.1');

    const warnings = logs.filter((line) => line.includes('TRUST_PROXY=0'));
    expect(warnings).toHaveLength(1);
  });

  it.each([
    ['1', 'none'],
    ['2', '203.0.113.7'],
  ])(
    'when TRUST_PROXY is %s and requests arrive with fewer forwarded addresses (%s), then one error line explains the fix',
    async (hops, forwardedFor) => {
      const { app: gateway, logs } = await app({ TRUST_PROXY: hops });
      const headers: Record<string, string> =
        forwardedFor === 'none' ? {} : { 'X-Forwarded-For': forwardedFor };

      await request(gateway).get('/api/usage').set(headers);
      await request(gateway).get('/api/usage').set(headers);

      const lines = logs
        .map((line) => JSON.parse(line) as { level: number; msg: string })
        .filter((line) => line.msg.startsWith(`TRUST_PROXY=${hops} but`));
      expect(lines).toHaveLength(1);
      expect(lines[0]?.level).toBe(50);
      expect(lines[0]?.msg).toContain('Set TRUST_PROXY to the number of proxies');
    },
  );

  it('when TRUST_PROXY matches the forwarded addresses, then nothing is logged about it', async () => {
    const { app: gateway, logs } = await app({ TRUST_PROXY: '2' });

    await request(gateway).get('/api/usage').set('X-Forwarded-For', '198.51.100.1, 203.0.113.7');

    expect(logs.filter((line) => line.includes('TRUST_PROXY'))).toEqual([]);
  });

  it('when the gateway is reached over IPv6, then the client key is its /56 network', async () => {
    const { app: gateway } = await app({ EXECUTE_RATE_LIMIT_MAX: '1', TRUST_PROXY: '1' });

    await request(gateway)
      .post('/api/execute')
      .set('X-Forwarded-For', '2001:db8:1:1::1')
      .send(hello);
    const sameNetwork = await request(gateway)
      .post('/api/execute')
      .set('X-Forwarded-For', '2001:db8:1:1::2')
      .send(hello);

    expect(sameNetwork.status).toBe(429);
  });

  it('when a client asks for its usage, then it sees the address its limits are counted under', async () => {
    const { app: gateway } = await app({ TRUST_PROXY: '1' });

    const v6 = await request(gateway).get('/api/usage').set('X-Forwarded-For', '2001:db8:1:1::1');
    const v4 = await request(gateway).get('/api/usage');

    expect(v6.body.identity).toEqual({ type: 'ip', address: '2001:db8:1::/56' });
    // supertest connects over IPv4 to a dual-stack server: ::ffff:127.0.0.1, shown as IPv4.
    expect(v4.body.identity).toEqual({ type: 'ip', address: '127.0.0.1' });
  });

  it.each([
    ['203.0.113.7:5678', '203.0.113.7:9999'],
    ['[2001:db8:1:1::1]:443', '2001:db8:1:1::2'],
  ])(
    'when a trusted proxy names the client with a port (%s), then its connections share one limit',
    async (first, second) => {
      const { app: gateway } = await app({ EXECUTE_RATE_LIMIT_MAX: '1', TRUST_PROXY: '1' });

      await request(gateway).post('/api/execute').set('X-Forwarded-For', first).send(hello);
      const again = await request(gateway)
        .post('/api/execute')
        .set('X-Forwarded-For', second)
        .send(hello);

      expect(again.status).toBe(429);
    },
  );

  it("when a trusted proxy names the client with something that is not an address, then it is counted under the proxy's address, with one warning", async () => {
    const { app: gateway, logs } = await app({ TRUST_PROXY: '1' });

    const first = await request(gateway).get('/api/usage').set('X-Forwarded-For', 'not-an-ip');
    const second = await request(gateway).get('/api/usage').set('X-Forwarded-For', 'unknown');

    expect(first.body.identity).toEqual({ type: 'ip', address: '127.0.0.1' });
    expect(second.body.identity).toEqual({ type: 'ip', address: '127.0.0.1' });
    expect(logs.filter((line) => line.includes('is not an IP address'))).toHaveLength(1);
  });
});

describe('clientAddress', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['203.0.113.7:80', '203.0.113.7'],
    ['2001:db8::1', '2001:db8::1'],
    ['[2001:db8::1]', '2001:db8::1'],
    ['[2001:db8::1]:8443', '2001:db8::1'],
    ['::ffff:127.0.0.1', '::ffff:127.0.0.1'],
    ['999.1.1.1:80', undefined],
    ['not-an-ip', undefined],
    ['', undefined],
    ['203.0.113.7:', undefined],
  ])('when the proxy sent %j, then the address is %j', (value, expected) => {
    expect(clientAddress(value)).toBe(expected);
  });
});
