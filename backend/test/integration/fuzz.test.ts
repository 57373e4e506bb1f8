import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorResponseSchema, ExecuteResponseSchema } from '../../src/schemas/execute-response.js';
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
  },
  { requiredKeys: [] },
);

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
            expect(ExecuteResponseSchema.safeParse(res.body).success).toBe(true);
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
