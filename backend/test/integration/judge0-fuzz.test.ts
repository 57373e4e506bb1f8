import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/build-test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({
    MAX_CODE_BYTES: '2048',
    MAX_STDIN_BYTES: '512',
    BODY_LIMIT: '8kb',
    MAX_SUBMISSION_QUEUE: '100000',
    API_KEYS: 'acme:acme-secret-key-0123456789:50',
  });
});
afterAll(async () => {
  await t.close();
});

const scalar = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.integer({ min: -1e6, max: 1e6 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('', 'true', 'false', '1', '0', '4', '71', '1e999', '-0', ' 5 '),
);

/** Judge0 bodies with the right keys and random or edge-case values. */
const nearlyValid = fc.record(
  {
    source_code: fc.oneof(fc.string({ maxLength: 3000 }), fc.base64String(), scalar),
    language_id: fc.oneof(fc.constantFrom(46, 50, 71, '71', 70, 1000, 0, -1), scalar),
    stdin: fc.oneof(fc.string({ maxLength: 700 }), scalar),
    expected_output: scalar,
    cpu_time_limit: scalar,
    wall_time_limit: scalar,
    memory_limit: scalar,
    number_of_runs: fc.oneof(fc.integer({ min: -2, max: 25 }), scalar),
    command_line_arguments: fc.oneof(fc.string({ maxLength: 600 }), scalar),
    redirect_stderr_to_stdout: scalar,
    callback_url: fc.oneof(fc.webUrl(), scalar),
    compiler_options: scalar,
    enable_network: scalar,
    stack_limit: scalar,
    additional_files: scalar,
  },
  { requiredKeys: [] },
);

const anyBody = fc.oneof(
  nearlyValid.map((body) => JSON.stringify(body)),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.string(),
  fc.constantFrom('', '{', 'null', '[]', '{"__proto__":{"x":1}}', '{"submissions":{}}'),
);
const query = fc.record(
  {
    base64_encoded: fc.constantFrom('true', 'false', '', 'x'),
    fields: fc.oneof(fc.constantFrom('*', 'stdout,status', 'nope', '', '*,callback'), fc.string()),
  },
  { requiredKeys: [] },
);

/** Judge0's 422: an object of field names to lists of messages (a list of them for a batch). */
function isFieldErrors(body: unknown): boolean {
  return (
    typeof body === 'object' &&
    body !== null &&
    Object.values(body).every(
      (value) => Array.isArray(value) && value.every((m) => typeof m === 'string'),
    )
  );
}

describe('/judge0 with random input', () => {
  it('when submissions, batches and reads get random bodies and queries, then it never answers 5xx and every answer is JSON in Judge0 shape', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/judge0/submissions', '/judge0/submissions/batch'),
        anyBody,
        query,
        fc.constantFrom('application/json', 'text/plain'),
        async (path, body, params, type) => {
          const batch = path.endsWith('batch');
          const sent = batch && !body.startsWith('{"sub') ? `{"submissions":[${body}]}` : body;
          const res = await request(t.app)
            .post(path)
            .query(params)
            .set('Content-Type', type)
            .send(sent);
          expect(res.status).toBeLessThan(500);
          expect(res.headers['content-type']).toMatch(/application\/json/);
          if (res.status === 201 && !batch)
            expect(Object.keys(res.body as object)).toEqual(['token']);
          if (res.status === 422 && !batch) expect(isFieldErrors(res.body)).toBe(true);
          if (res.status === 422 && batch) {
            expect((res.body as unknown[]).every(isFieldErrors)).toBe(true);
          }
          expect([201, 400, 413, 415, 422]).toContain(res.status);
        },
      ),
      { numRuns: 800 },
    );
  }, 120_000);

  it('when tokens, fields and headers are random, then reads never answer 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 80 }),
        query,
        fc.constantFrom('', 'acme-secret-key-0123456789', 'wrong'),
        async (token, params, auth) => {
          const call = request(t.app)
            .get(`/judge0/submissions/${encodeURIComponent(token) || 'x'}`)
            .query(params);
          const res = await (auth ? call.set('X-Auth-Token', auth) : call);
          expect(res.status).toBeLessThan(500);
          expect([400, 401, 404]).toContain(res.status);
          const batch = await request(t.app)
            .get('/judge0/submissions/batch')
            .query({ ...params, tokens: token });
          expect(batch.status).toBeLessThan(500);
        },
      ),
      { numRuns: 300 },
    );
  }, 120_000);
});
