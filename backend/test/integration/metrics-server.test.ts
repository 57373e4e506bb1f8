import { Agent } from 'node:http';
import { createServer } from 'node:net';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { appMetrics } from '../../src/app.js';
import { startMetricsServer, type RunningMetricsServer } from '../../src/metrics/metrics-server.js';
import { memoryLogger, useTestApps } from '../support/build-test-app.js';
import { freePort } from '../support/free-port.js';
import { exchange } from '../support/http-exchange.js';
import { sample } from '../support/scrape-metrics.js';

const app = useTestApps();
const running: RunningMetricsServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

/**
 * A metrics listener for a fresh test app, on a loopback port below the ephemeral range: once
 * closed, no other test's server can be handed that port.
 */
async function start() {
  const t = await app();
  const { logger } = memoryLogger();
  const server = await startMetricsServer({
    metrics: appMetrics(t.app),
    port: await freePort(),
    host: '127.0.0.1',
    logger,
  });
  running.push(server);
  return { t, port: server.port, server };
}

describe('startMetricsServer', () => {
  it('when scraped, then it serves the app’s metrics with no CORS headers, whatever the origin', async () => {
    const { t, port } = await start();
    await request(t.app).get('/health');

    const res = await exchange(port, {
      method: 'GET',
      path: '/metrics',
      headers: { origin: 'https://page.example' },
    });

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(
      sample(res.body, 'gateway_http_requests_total{method="GET",route="/health",status="200"}'),
    ).toBe(1);
    expect(Object.keys(res.headers).filter((name) => name.startsWith('access-control-'))).toEqual(
      [],
    );
  });

  it('when asked for another path or method, then it answers a JSON 404 or 405', async () => {
    const { port } = await start();

    const other = await exchange(port, { method: 'GET', path: '/api/execute/languages' });
    const long = await exchange(port, { method: 'GET', path: `/${'a'.repeat(15_000)}` });
    const post = await exchange(port, { method: 'POST', path: '/metrics' });

    expect(other.status).toBe(404);
    expect(JSON.parse(other.body)).toMatchObject({ code: 'not_found' });
    expect(long.status).toBe(404);
    expect(long.body.length).toBeLessThan(400);
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    expect(JSON.parse(post.body)).toMatchObject({ code: 'method_not_allowed' });
  });

  it('when closed, then the port refuses connections, even a kept-alive one', async () => {
    const { port, server } = await start();
    const agent = new Agent({ keepAlive: true });
    await exchange(port, { method: 'GET', path: '/metrics', agent });

    await server.close();
    agent.destroy();

    await expect(exchange(port, { method: 'GET', path: '/metrics' })).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });

  it('when the port is taken, then it fails with a message naming METRICS_PORT', async () => {
    const t = await app();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };

    const starting = startMetricsServer({
      metrics: appMetrics(t.app),
      port,
      host: '127.0.0.1',
      logger: memoryLogger().logger,
    });

    await expect(starting).rejects.toThrow(
      `Cannot listen on METRICS_PORT ${port}: another process is already listening on it`,
    );
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
  });
});
