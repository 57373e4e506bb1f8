import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../../src/errors.js';
import { ExecuteRequestSchema } from '../../src/schemas/execute-request.js';
import { useTestApps } from '../support/build-test-app.js';
import {
  openApiDocumentValidator,
  operations,
  schemaObjectErrors,
  schemaValidator,
  type OpenApiDoc,
} from '../support/openapi-validator.js';

const app = useTestApps();

async function fetchDocument(env: Record<string, string> = {}) {
  const t = await app(env);
  const res = await request(t.app).get('/openapi.json');
  return { t, res, doc: res.body as OpenApiDoc };
}

describe('GET /openapi.json', () => {
  it('when fetched, then it is a valid OpenAPI 3.1 document by the official schema', async () => {
    const { res, doc } = await fetchDocument({ METRICS_TOKEN: 'metrics-token-123456' });

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    const validate = openApiDocumentValidator();
    expect(validate(doc), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(schemaObjectErrors(doc)).toEqual([]);
  });

  it('when the official schema is given a broken document, then it refuses it', async () => {
    const { doc } = await fetchDocument();
    const broken = structuredClone(doc) as unknown as Record<string, unknown>;
    (broken.paths as Record<string, unknown>)['/api/execute'] = { post: { responses: 'none' } };
    const badSchema = structuredClone(doc);
    (badSchema.components.schemas as Record<string, unknown>).ErrorResponse = { type: 'text' };

    expect(openApiDocumentValidator()(broken)).toBe(false);
    expect(schemaObjectErrors(badSchema)).toHaveLength(1);
  });

  it('when fetched again with its ETag, then it is 304, and it is cacheable', async () => {
    const { t, res } = await fetchDocument();
    const etag = res.headers.etag as string;

    const again = await request(t.app).get('/openapi.json').set('If-None-Match', etag);

    expect(etag).toMatch(/^W\/"[\w-]+"$/);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(again.status).toBe(304);
    expect(again.headers.etag).toBe(etag);
  });

  it('when read from another origin, then CORS allows any origin, whatever CORS_ORIGINS says', async () => {
    const t = await app({ CORS_ORIGINS: 'https://app.example' });

    const res = await request(t.app)
      .get('/openapi.json')
      .set('Origin', 'https://elsewhere.example');
    const preflight = await request(t.app)
      .options('/openapi.json')
      .set('Origin', 'https://elsewhere.example')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'if-none-match');
    const api = await request(t.app)
      .get('/api/execute/languages')
      .set('Origin', 'https://elsewhere.example');

    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-expose-headers']).toContain('ETag');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(preflight.headers['access-control-allow-headers']).toContain('If-None-Match');
    expect(api.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('when served, then the API keeps its strict Content-Security-Policy, and so does the document', async () => {
    const { t, res } = await fetchDocument();
    const api = await request(t.app).get('/api/usage');

    for (const answer of [res, api]) {
      expect(answer.headers['content-security-policy']).toBe(
        "default-src 'none';frame-ancestors 'none'",
      );
    }
  });

  it('when asked with another method, then it is 405 naming GET', async () => {
    const t = await app();

    const res = await request(t.app).post('/openapi.json').send({});

    expect(res.status).toBe(405);
    expect(res.body.code).toBe('method_not_allowed');
    expect(res.headers.allow).toBe('GET, HEAD');
  });

  it('when read, then every error code of errors.ts is listed under its own status', async () => {
    const { doc } = await fetchDocument({ METRICS_TOKEN: 'metrics-token-123456' });
    const seen = new Map<string, Set<string>>();
    for (const { op } of operations(doc)) {
      for (const [status, response] of Object.entries(op.responses)) {
        const schema = response.content?.['application/json']?.schema as
          { properties?: { code?: { enum?: string[] } } } | undefined;
        for (const code of schema?.properties?.code?.enum ?? []) {
          seen.set(code, (seen.get(code) ?? new Set()).add(status));
        }
      }
    }
    const documented = Object.fromEntries(
      [...seen].map(([code, statuses]) => [code, [...statuses]]),
    );

    // not_found is mostly answered for paths no route has; routes list it only for what their
    // path names (`/assets/{file}`), and then under 404. queue_full is answered only by the
    // Judge0 routes, in Judge0's own body (`{"error":"queue is full"}`).
    const expected = Object.entries(ERROR_STATUS)
      .filter(([code]) => code !== 'not_found' || seen.has(code))
      .filter(([code]) => code !== 'queue_full')
      .map(([code, status]) => [code, [String(status)]]);
    expect(documented).toEqual(Object.fromEntries(expected));
  });

  it('when read, then every example is valid against the schema beside it', async () => {
    const { doc } = await fetchDocument({ METRICS_TOKEN: 'metrics-token-123456' });
    let checked = 0;

    for (const { method, path, op } of operations(doc)) {
      const bodies = [
        ...Object.entries(op.requestBody?.content ?? {}).map(
          (entry) => ['request', ...entry] as const,
        ),
        ...Object.entries(op.responses).flatMap(([status, response]) =>
          Object.entries(response.content ?? {}).map((entry) => [status, ...entry] as const),
        ),
      ];
      for (const [where, mediaType, media] of bodies) {
        if (!media.schema) continue;
        const validate = schemaValidator(doc, media.schema);
        for (const [name, example] of Object.entries(media.examples ?? {})) {
          const label = `${method.toUpperCase()} ${path} ${where} ${mediaType} example "${name}"`;
          expect(validate(example.value), `${label}: ${JSON.stringify(validate.errors)}`).toBe(
            true,
          );
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('when the execute request examples are parsed by the zod schema the route uses, then they pass', async () => {
    const { doc } = await fetchDocument();
    const examples =
      doc.paths['/api/execute']?.post?.requestBody?.content['application/json']?.examples;

    expect(Object.keys(examples ?? {}).length).toBeGreaterThan(0);
    for (const example of Object.values(examples ?? {})) {
      expect(ExecuteRequestSchema.safeParse(example.value).success).toBe(true);
    }
  });

  it('when an API key is required, then the /api operations require one and /health does not', async () => {
    const optional = (await fetchDocument()).doc;
    const required = (
      await fetchDocument({
        REQUIRE_API_KEY: 'true',
        API_KEYS: 'ci:0123456789abcdef0123456789abcdef:10',
      })
    ).doc;

    expect(optional.paths['/api/execute']?.post?.security).toContainEqual({});
    expect(required.paths['/api/execute']?.post?.security).not.toContainEqual({});
    expect(required.paths['/health']?.get?.security).toEqual([]);
  });

  it('when METRICS_TOKEN is unset, then /metrics (not served on this port) is not in the document', async () => {
    const without = (await fetchDocument()).doc;
    const withToken = (await fetchDocument({ METRICS_TOKEN: 'metrics-token-123456' })).doc;

    expect(without.paths['/metrics']).toBeUndefined();
    expect(withToken.paths['/metrics']?.get?.security).toEqual([{ metricsToken: [] }]);
  });
});
