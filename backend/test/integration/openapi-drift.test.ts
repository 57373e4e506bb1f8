import { Router } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ROUTE_LABELS } from '../../src/metrics/http-metrics.js';
import { listServedRoutes, type ServedRoute } from '../../src/openapi/collect-routes.js';
import { defineRoutes } from '../../src/openapi/route-docs.js';
import { createRouter } from '../../src/routes/create-router.js';
import { useTestApps, type TestApp } from '../support/build-test-app.js';
import { operations, type OpenApiDoc } from '../support/openapi-validator.js';

const app = useTestApps();
const TOKEN = 'metrics-token-123456';

async function documentOf(t: TestApp): Promise<OpenApiDoc> {
  const res = await request(t.app).get('/openapi.json');
  return res.body as OpenApiDoc;
}

function label(route: ServedRoute): string {
  return `${route.method} ${route.path}`;
}

/** Routes the app serves that the document leaves out (HEAD is served with GET). */
function undocumented(served: ServedRoute[], doc: OpenApiDoc): string[] {
  const documented = new Set(operations(doc).map((o) => `${o.method.toUpperCase()} ${o.path}`));
  return served
    .filter((route) => route.method !== 'HEAD')
    .filter((route) =>
      route.method === 'ALL'
        ? !operations(doc).some((o) => o.path === route.path)
        : !documented.has(label(route)),
    )
    .map(label);
}

/** Operations in the document that no route of the app serves. */
function unserved(served: ServedRoute[], doc: OpenApiDoc): string[] {
  const routes = new Set(served.map(label));
  return operations(doc)
    .map((o) => `${o.method.toUpperCase()} ${o.path}`)
    .filter((operation) => !routes.has(operation));
}

describe('the OpenAPI document against the routes the app serves', () => {
  it('when compared both ways, with and without the public /metrics, then they are the same set', async () => {
    const envs: Record<string, string>[] = [{}, { METRICS_TOKEN: TOKEN }];
    for (const env of envs) {
      const t = await app(env);
      const served = listServedRoutes(t.app);
      const doc = await documentOf(t);

      expect(served.length).toBeGreaterThanOrEqual(5);
      expect(undocumented(served, doc), 'served but missing from /openapi.json').toEqual([]);
      expect(unserved(served, doc), 'in /openapi.json but not served').toEqual([]);
    }
  });

  it('when someone mounts a route without a registry entry, then the check names that route', async () => {
    const t = await app();
    const extra = Router();
    extra.get('/things/:id', (_req, res) => {
      res.json({});
    });
    extra.post('/things', (_req, res) => {
      res.json({});
    });
    t.app.use('/api/extra', extra);

    const missing = undocumented(listServedRoutes(t.app), await documentOf(t));

    expect(missing).toEqual(['GET /api/extra/things/{id}', 'POST /api/extra/things']);
  });

  it('when the route comes with its entry, then the document has it and the check passes', async () => {
    const t = await app();
    const docs = defineRoutes([
      {
        method: 'get',
        path: '/api/extra',
        operationId: 'extra',
        summary: 'An extra route',
        tags: ['Extra'],
        protection: 'api',
        responses: { 200: { description: 'Fine.' } },
        errors: [],
      },
    ]);
    const extra = createRouter(docs);
    extra.get('/', (_req, res) => {
      res.json({});
    });
    t.app.use('/api/extra', extra);

    const doc = await documentOf(t);

    expect(doc.paths['/api/extra']?.get?.operationId).toBe('extra');
    expect(undocumented(listServedRoutes(t.app), doc)).toEqual([]);
  });

  it('when a documented path has no metrics label, then the metrics would call it "other": none does', async () => {
    const t = await app({ METRICS_TOKEN: TOKEN });
    const doc = await documentOf(t);
    const labels: readonly string[] = ROUTE_LABELS;

    for (const path of Object.keys(doc.paths)) {
      expect({ path, labelled: labels.includes(path.replace(/\{(\w+)\}/g, ':$1')) }).toEqual({
        path,
        labelled: true,
      });
    }
  });
});
