import { readFileSync } from 'node:fs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/build-test-app.js';
import { FIXTURES_DIR } from '../support/fixtures.js';
import { DOCS_C_PROGRAM, finishedSubmission, shapeOf } from '../support/judge0.js';
import {
  documentedSchema,
  schemaValidator,
  type OpenApiDoc,
} from '../support/openapi-validator.js';

interface Example {
  name: string;
  source: string;
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  status: number;
  response: unknown;
}

const { examples } = JSON.parse(
  readFileSync(`${FIXTURES_DIR}judge0/api-examples.json`, 'utf8'),
) as { examples: Example[] };

let t: TestApp;
let doc: OpenApiDoc;
const tokens: { single?: string; batch?: string[] } = {};

beforeAll(async () => {
  t = await buildTestApp(
    {},
    {
      stdoutByProgram: {
        [DOCS_C_PROGRAM]: 'hello, Judge0\n',
        'echo hello from Bash': 'hello from Bash\n',
        'print("hello from Python")': 'hello from Python\n',
        'puts("hello from Ruby")': 'hello from Ruby\n',
      },
    },
  );
  // Ruby (72) is in the documentation's batch example; the recorded Piston has no Ruby.
  t.fake.runtimes.push({ language: 'ruby', version: '3.0.1', aliases: ['rb'] });
  doc = (await request(t.app).get('/openapi.json')).body as OpenApiDoc;
});
afterAll(async () => {
  await t.close();
});

const pathOf = (example: Example) =>
  `/judge0${example.path}`
    .replace('{token}', tokens.single ?? 'missing')
    .replace('{tokens}', (tokens.batch ?? []).join(','));

function send(example: Example) {
  const path = pathOf(example);
  return example.method === 'GET'
    ? request(t.app).get(path)
    : request(t.app)
        .post(path)
        .send(example.body as object);
}

/** Judge0's 422 body: each field names a list of messages. */
function expectFieldErrors(actual: unknown, expected: unknown): void {
  const body = actual as Record<string, unknown>;
  for (const field of Object.keys(expected as object)) {
    expect(body[field]).toEqual(expect.arrayContaining([expect.any(String)]));
  }
  for (const messages of Object.values(body)) {
    expect(Array.isArray(messages) && messages.every((m) => typeof m === 'string')).toBe(true);
  }
}

describe("Judge0 CE 1.13.1's documented examples, replayed against /judge0", () => {
  // In order: the GET examples read the submissions the POST examples created.
  it.each(examples.map((example) => [example.name, example] as const))(
    'when %s is sent as documented, then the status and the shape are as documented',
    async (_name, example) => {
      if (example.path.includes('{token}') && !tokens.single) {
        const created = await request(t.app)
          .post('/judge0/submissions')
          .send({ source_code: DOCS_C_PROGRAM, language_id: 50, stdin: 'Judge0' });
        tokens.single = (created.body as { token: string }).token;
        await finishedSubmission(t.app, tokens.single);
      }
      if (example.path.includes('{tokens}') && tokens.batch) {
        for (const token of tokens.batch) await finishedSubmission(t.app, token);
      }
      const res = await send(example);
      expect(res.status).toBe(example.status);
      // The gateway's own OpenAPI document describes this answer too (its schemas do not drift).
      const schema = documentedSchema(doc, example.method, pathOf(example), res.status);
      expect(schema, `${example.name}: ${res.status} is documented`).toBeDefined();
      const validate = schemaValidator(doc, schema ?? {});
      expect(validate(res.body), JSON.stringify([res.body, validate.errors])).toBe(true);
      if (example.status === 422) {
        expectFieldErrors(res.body, example.response);
      } else if (Array.isArray(example.response) && example.name.startsWith('batch create')) {
        // Item by item: a token or that item's field errors.
        const items = res.body as Record<string, unknown>[];
        expect(items).toHaveLength(example.response.length);
        example.response.forEach((item: Record<string, unknown>, index) => {
          if ('token' in item) expect(shapeOf(items[index])).toEqual(shapeOf(item));
          else expectFieldErrors(items[index], item);
        });
        if (example.name === 'batch create') tokens.batch = items.map((i) => i.token as string);
      } else if (example.name === 'config_info') {
        // The documented example predates keys 1.13.1 returns; every documented one is there.
        expect(shapeOf(res.body)).toMatchObject(shapeOf(example.response) as object);
      } else {
        expect(shapeOf(res.body)).toEqual(shapeOf(example.response));
      }
    },
  );

  it.each(['*,callback', '*', 'status_id,language,wall_time,exit_signal'])(
    'when a submission is read with fields=%s, then the answer is as the OpenAPI document describes it',
    async (fields) => {
      const created = await request(t.app)
        .post('/judge0/submissions')
        .send({ source_code: 'print("hello from Python")', language_id: 71 });
      const { token } = created.body as { token: string };
      await finishedSubmission(t.app, token);

      for (const base64 of ['false', 'true']) {
        const url = `/judge0/submissions/${token}?fields=${fields}&base64_encoded=${base64}`;
        const res = await request(t.app).get(url);
        const validate = schemaValidator(doc, documentedSchema(doc, 'GET', url, 200) ?? {});

        expect(res.status).toBe(200);
        expect(validate(res.body), JSON.stringify([res.body, validate.errors])).toBe(true);
      }
    },
  );

  it('when config_info is read, then it has every key Judge0 1.13.1 returns, in its types', async () => {
    const res = await request(t.app).get('/judge0/config_info');
    const documented = examples.find((e) => e.name === 'config_info')?.response as object;
    for (const [key, value] of Object.entries(documented)) {
      expect(typeof (res.body as Record<string, unknown>)[key]).toBe(typeof value);
    }
    // The keys of app/helpers/config.rb's config_info at v1.13.1, the documented ones included.
    expect(Object.keys(res.body as object)).toHaveLength(39);
  });
});
