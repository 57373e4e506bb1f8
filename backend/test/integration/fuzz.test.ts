import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PistonCompatErrorSchema,
  PistonCompatResponseSchema,
} from '../../src/compat/piston/piston-response.js';
import { ErrorResponseSchema, ExecuteResponseSchema } from '../../src/schemas/execute-response.js';
import { BatchResponseSchema, TestsResponseSchema } from '../../src/schemas/verdicts.js';
import { buildTestApp, type TestApp } from '../support/build-test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ MAX_CODE_BYTES: '2048', MAX_STDIN_BYTES: '512', BODY_LIMIT: '8kb' });
});
afterAll(async () => {
  await t.close();
});

const LANGUAGES = ['python', 'py', 'c++', 'cpp', 'java', 'JS', 'bash', 'cobol', '', 'c'];

/** Bodies that are close to valid: right keys, wrong or edge-case values. */
const nearlyValid = fc.record(
  {
    language: fc.oneof(fc.constantFrom(...LANGUAGES), fc.string(), fc.integer(), fc.constant(null)),
    version: fc.oneof(
      fc.constantFrom('*', '3.x', '3.11.2', 'latest', '>=1 <2', '~~~'),
      fc.string(),
      fc.integer(),
    ),
    code: fc.oneof(fc.string({ maxLength: 3000 }), fc.integer(), fc.constant(null)),
    files: fc.oneof(
      fc.array(
        fc.record(
          {
            name: fc.oneof(fc.string(), fc.constantFrom('../x', 'a/b', 'Main.java', '..', '')),
            content: fc.oneof(fc.string(), fc.base64String(), fc.integer()),
            encoding: fc.constantFrom('utf8', 'base64', 'hex', 'latin1'),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 40 },
      ),
      fc.object(),
    ),
    stdin: fc.oneof(fc.string({ maxLength: 700 }), fc.integer()),
    args: fc.oneof(fc.array(fc.oneof(fc.string(), fc.integer())), fc.string()),
    timeout: fc.oneof(fc.integer({ min: -10, max: 1e9 }), fc.double(), fc.string(), fc.constant(0)),
    tests: fc.oneof(
      fc.array(
        fc.record(
          {
            name: fc.oneof(fc.string(), fc.integer()),
            stdin: fc.oneof(fc.string({ maxLength: 50 }), fc.integer()),
            args: fc.oneof(fc.array(fc.string(), { maxLength: 3 }), fc.string()),
            expectedOutput: fc.oneof(
              fc.string({ maxLength: 50 }),
              fc.constant('ok\n'),
              fc.integer(),
            ),
            reveal: fc.oneof(fc.boolean(), fc.string()),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 6 },
      ),
      fc.object(),
    ),
    compare: fc.oneof(fc.constantFrom('lines', 'exact', 'tokens', 'number', 'fuzzy'), fc.integer()),
    tolerance: fc.oneof(fc.double(), fc.integer(), fc.string()),
    reveal: fc.oneof(fc.boolean(), fc.constant(null)),
  },
  { requiredKeys: [] },
);

/** The 200 body of POST /api/execute: the plain answer, or the answer to a request with tests. */
const isExecuteAnswer = (body: unknown) =>
  ExecuteResponseSchema.safeParse(body).success || TestsResponseSchema.safeParse(body).success;

/** Anything JSON can carry, plus raw strings that are not JSON at all. */
const anyBody = fc.oneof(
  nearlyValid.map((body) => JSON.stringify(body)),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.string(),
  fc.constantFrom('', '{', 'null', '[]', '{"language":', '\u0000', '{"__proto__":{"x":1}}'),
);

describe('POST /api/execute with random bodies', () => {
  it('when given thousands of random and malformed bodies, then it never answers 500 and errors are JSON', async () => {
    await fc.assert(
      fc.asyncProperty(
        anyBody,
        fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain'),
        async (body, type) => {
          const res = await request(t.app)
            .post('/api/execute')
            .set('Content-Type', type)
            .send(body);

          expect(res.status).not.toBeGreaterThanOrEqual(500);
          expect(res.headers['content-type']).toMatch(/application\/json/);
          if (res.status === 200) {
            expect(isExecuteAnswer(res.body)).toBe(true);
          } else {
            expect(ErrorResponseSchema.safeParse(res.body).success).toBe(true);
            expect([400, 413, 415]).toContain(res.status);
          }
        },
      ),
      { numRuns: 2500 },
    );
  }, 120_000);
});

/** Piston-shaped bodies that are close to valid: Piston's keys, wrong or edge-case values. */
const limitValue = fc.oneof(
  fc.integer({ min: -5, max: 1e9 }),
  fc.double(),
  fc.constantFrom(-1, 0, null, '1000', true),
);
const nearlyValidPiston = fc.record(
  {
    language: fc.oneof(fc.constantFrom(...LANGUAGES), fc.string(), fc.integer(), fc.constant(null)),
    version: fc.oneof(
      fc.constantFrom('*', '3.x', '3.11.2', '>=1 <2', '~~~', ''),
      fc.string(),
      fc.constant(null),
      fc.integer(),
    ),
    files: fc.oneof(
      fc.array(
        fc.record(
          {
            name: fc.oneof(fc.string(), fc.constantFrom('../x', 'Main.java', '', null)),
            content: fc.oneof(fc.string({ maxLength: 3000 }), fc.base64String(), fc.integer()),
            encoding: fc.constantFrom('utf8', 'base64', 'hex', 'latin1', null),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 40 },
      ),
      fc.object(),
      fc.constant(null),
    ),
    stdin: fc.oneof(fc.string({ maxLength: 700 }), fc.integer(), fc.constant(null)),
    args: fc.oneof(fc.array(fc.oneof(fc.string(), fc.integer())), fc.string(), fc.constant(null)),
    compile_timeout: limitValue,
    run_timeout: limitValue,
    compile_cpu_time: limitValue,
    run_cpu_time: limitValue,
    compile_memory_limit: limitValue,
    run_memory_limit: limitValue,
  },
  { requiredKeys: [] },
);

describe('POST /api/v2/execute (Piston-compatible) with random bodies', () => {
  const anyPistonBody = fc.oneof(
    nearlyValidPiston.map((body) => JSON.stringify(body)),
    fc.jsonValue().map((value) => JSON.stringify(value)),
    fc.string(),
    fc.constantFrom('', '{', 'null', '[]', '{"files":', '{"__proto__":{"x":1}}', '1e999'),
  );

  it('when given random and malformed bodies under any content type, then it never answers 500 and answers in Piston shapes', async () => {
    await fc.assert(
      fc.asyncProperty(
        anyPistonBody,
        fc.constantFrom('/api/v2/execute', '/api/v2/piston/execute'),
        fc.constantFrom(
          'application/json',
          'text/plain;charset=UTF-8',
          'text/plain; charset=latin1',
          '',
        ),
        async (body, path, type) => {
          const res = await request(t.app).post(path).set('Content-Type', type).send(body);

          expect(res.status).not.toBeGreaterThanOrEqual(500);
          expect(res.headers['content-type']).toMatch(/application\/json/);
          if (res.status === 200) {
            expect(PistonCompatResponseSchema.safeParse(res.body).success).toBe(true);
          } else {
            expect(PistonCompatErrorSchema.safeParse(res.body).success).toBe(true);
            expect([400, 413, 415]).toContain(res.status);
          }
        },
      ),
      { numRuns: 1500 },
    );
  }, 120_000);
});

describe('POST /api/execute/batch with random bodies', () => {
  const batchBody = fc.oneof(
    fc.array(nearlyValid, { maxLength: 5 }).map((runs) => JSON.stringify({ runs })),
    fc.array(fc.jsonValue(), { maxLength: 5 }).map((runs) => JSON.stringify({ runs })),
    anyBody,
  );

  it('when given random batches, then it never answers 500 and every run has its answer or error', async () => {
    await fc.assert(
      fc.asyncProperty(batchBody, async (body) => {
        const res = await request(t.app)
          .post('/api/execute/batch')
          .set('Content-Type', 'application/json')
          .send(body);

        expect(res.status).not.toBeGreaterThanOrEqual(500);
        if (res.status !== 200) {
          expect(ErrorResponseSchema.safeParse(res.body).success).toBe(true);
          expect([400, 413]).toContain(res.status);
          return;
        }
        expect(BatchResponseSchema.safeParse(res.body).success).toBe(true);
        const runs = (JSON.parse(body) as { runs: unknown[] }).runs;
        expect(res.body.results).toHaveLength(runs.length);
        for (const result of res.body.results as Record<string, unknown>[]) {
          if ('code' in result)
            expect([
              'invalid_request',
              'payload_too_large',
              'unsupported_language',
              'unsupported_version',
            ]).toContain(result.code);
          else expect(isExecuteAnswer(result)).toBe(true);
        }
      }),
      { numRuns: 700 },
    );
  }, 120_000);
});

describe('any route with random headers', () => {
  let keyed: TestApp;
  beforeAll(async () => {
    keyed = await buildTestApp({
      TRUST_PROXY: '1',
      API_KEYS: 'acme:acme-secret-key-0123456789:50',
      RESULT_CACHE_TTL_MS: '60000',
    });
  });
  afterAll(async () => {
    await keyed.close();
  });

  /** What a client or a proxy may put in a header: printable ASCII. */
  const headerValue = fc.oneof(
    fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) }),
    fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 65535 })).map(([ip, port]) => `${ip}:${port}`),
    fc.ipV6().map((ip) => `[${ip}]:443, ${ip}`),
    fc.constantFrom('acme-secret-key-0123456789', 'Bearer acme-secret-key-0123456789', ''),
  );
  const route = fc.constantFrom<readonly ['post' | 'get' | 'delete', string]>(
    ['post', '/api/execute'],
    ['post', '/api/execute/batch'],
    ['get', '/api/execute'],
    ['get', '/api/execute/languages'],
    ['get', '/api/usage'],
    ['delete', '/api/usage'],
    ['get', '/health'],
    ['get', '/health/ready'],
    ['post', '/api/v2/execute'],
    ['get', '/api/v2/piston/runtimes'],
    ['get', '/api/v2/packages'],
    ['get', '/nope'],
  );

  it('when headers are random (addresses, ids, keys, encodings), then it never answers 5xx and errors are JSON', async () => {
    await fc.assert(
      fc.asyncProperty(
        route,
        fc.dictionary(
          fc.constantFrom(
            'X-Forwarded-For',
            'X-Request-Id',
            'Authorization',
            'X-API-Key',
            'Accept-Encoding',
            'If-None-Match',
            'Origin',
          ),
          headerValue,
        ),
        async ([method, path], headers) => {
          const call = request(keyed.app)[method](path).set(headers);
          const piston = path.startsWith('/api/v2');
          const body = { language: 'python', code: 'print(1)' };
          const pistonBody = { language: 'python', version: '*', files: [{ content: 'print(1)' }] };
          const res = await (method !== 'post'
            ? call
            : call.send(
                piston ? pistonBody : path.endsWith('batch') ? { runs: [body, body] } : body,
              ));

          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) {
            const schema = piston ? PistonCompatErrorSchema : ErrorResponseSchema;
            expect(schema.safeParse(res.body).success).toBe(true);
          }
        },
      ),
      { numRuns: 1000 },
    );
  }, 120_000);
});
