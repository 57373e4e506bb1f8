import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestApps, type TestApp } from '../support/build-test-app.js';
import {
  operations,
  schemaValidator,
  type OpenApiDoc,
  type Operation,
} from '../support/openapi-validator.js';

const app = useTestApps();
const TOKEN = 'metrics-token-123456';

/** One request the contract sends: an operation, with one of its request examples or none. */
interface Exchange {
  name: string;
  method: string;
  path: string;
  op: Operation;
  body?: unknown;
}

function exchanges(doc: OpenApiDoc): Exchange[] {
  return operations(doc).flatMap(({ method, path, op }) => {
    const examples = op.requestBody?.content['application/json']?.examples;
    if (!examples) return [{ name: `${method.toUpperCase()} ${path}`, method, path, op }];
    return Object.entries(examples).map(([example, { value }]) => ({
      name: `${method.toUpperCase()} ${path} example "${example}"`,
      method,
      path,
      op,
      body: value,
    }));
  });
}

async function send(t: TestApp, exchange: Exchange) {
  const agent = request(t.app);
  const req = exchange.method === 'post' ? agent.post(exchange.path) : agent.get(exchange.path);
  // Routes that answer errors as text (`/api/run`) answer JSON, the documented contract, on ask.
  req.set('Accept', 'application/json');
  if (exchange.path === '/metrics') req.set('Authorization', `Bearer ${TOKEN}`);
  return exchange.body === undefined ? req : req.send(exchange.body as object);
}

describe('the OpenAPI document as a contract', () => {
  it('when every documented example is sent through the app, then each answer has a documented status, headers and schema', async () => {
    const t = await app({ METRICS_TOKEN: TOKEN });
    const doc = (await request(t.app).get('/openapi.json')).body as OpenApiDoc;
    const all = exchanges(doc);
    expect(all.length).toBeGreaterThanOrEqual(7);

    for (const exchange of all) {
      const res = await send(t, exchange);
      const documented = exchange.op.responses[String(res.status)];
      expect({ name: exchange.name, status: res.status, documented: !!documented }).toEqual({
        name: exchange.name,
        status: res.status,
        documented: true,
      });
      for (const header of Object.keys(documented?.headers ?? {})) {
        // Retry-After only travels with some 503s; ETag is on 200 and 304 alike.
        if (['Retry-After', 'WWW-Authenticate', 'Allow', 'X-Cache'].includes(header)) continue;
        expect({
          name: exchange.name,
          header,
          sent: res.headers[header.toLowerCase()] !== undefined,
        }).toEqual({ name: exchange.name, header, sent: true });
      }
      const schema = documented?.content?.['application/json']?.schema;
      if (!schema) continue;
      const validate = schemaValidator(doc, schema);
      expect(validate(res.body), `${exchange.name}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('when an execution is answered, then X-Cache is sent as documented', async () => {
    const t = await app();
    const doc = (await request(t.app).get('/openapi.json')).body as OpenApiDoc;
    const [exchange] = exchanges(doc).filter((e) => e.path === '/api/execute');

    const res = await send(t, exchange as Exchange);

    expect(res.status).toBe(200);
    expect(['HIT', 'MISS', 'COALESCED']).toContain(res.headers['x-cache']);
  });

  it('when errors happen, then their bodies match the documented error schema', async () => {
    const t = await app();
    const doc = (await request(t.app).get('/openapi.json')).body as OpenApiDoc;
    const execute = doc.paths['/api/execute']?.post as Operation;

    const cases = [
      await request(t.app).post('/api/execute').send({ language: 'python' }),
      await request(t.app).post('/api/execute').set('Content-Type', 'application/json').send('{'),
      await request(t.app).post('/api/execute').send({ language: 'nope', code: 'x' }),
      await request(t.app).get('/api/execute'),
    ];

    for (const res of cases) {
      const schema = execute.responses[String(res.status)]?.content?.['application/json']?.schema;
      expect(schema, `status ${res.status} documented`).toBeDefined();
      const validate = schemaValidator(doc, schema as Record<string, unknown>);
      expect(validate(res.body), JSON.stringify([res.body, validate.errors])).toBe(true);
    }
  });
});
