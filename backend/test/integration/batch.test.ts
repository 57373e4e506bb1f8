import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { BatchResponseSchema } from '../../src/schemas/verdicts.js';
import { useTestApps, type TestApp } from '../support/build-test-app.js';
import { expectError } from '../support/expect-error.js';
import { sample, scrapeMetrics } from '../support/scrape-metrics.js';
import { runProgram } from '../support/test-programs.js';

const postBatch = (t: TestApp, body: unknown) =>
  request(t.app)
    .post('/api/execute/batch')
    .send(body as object);

const echo = (stdin: string, extra: Record<string, unknown> = {}) => ({
  language: 'python',
  code: 'echo',
  stdin,
  ...extra,
});

describe('POST /api/execute/batch', () => {
  const build = useTestApps();
  const app = (env: Record<string, string> = {}) => build(env, { runProgram });

  it('when every run is valid, then each gets its normal answer, in order', async () => {
    const t = await app();
    const res = await postBatch(t, { runs: [echo('a'), echo('b'), echo('c')] });

    expect(res.status).toBe(200);
    const body = BatchResponseSchema.parse(res.body);
    expect(body.results.map((r) => ('output' in r ? r.output : r))).toEqual(['a', 'b', 'c']);
    expect(res.body.results[0]).toMatchObject({ success: true, status: 'ok', language: 'python' });
    expect(t.fake.executeCalls()).toHaveLength(3);
  });

  it('when some runs are invalid, then they get their error objects and the others run', async () => {
    const t = await app();
    const res = await postBatch(t, {
      runs: [
        echo('a'),
        { language: 'cobol', code: 'x' },
        { code: 'x' },
        'not an object',
        echo('e', { stdn: 'typo' }),
        echo('f'),
      ],
    });

    expect(res.status).toBe(200);
    const [a, cobol, noLanguage, text, typo, f] = res.body.results;
    expect(a).toMatchObject({ output: 'a' });
    expect(cobol).toMatchObject({ code: 'unsupported_language' });
    expect(noLanguage).toMatchObject({ code: 'invalid_request' });
    expect(noLanguage.details).toContainEqual(expect.objectContaining({ field: 'language' }));
    expect(text).toMatchObject({ code: 'invalid_request' });
    expect(typo.details).toContainEqual(expect.objectContaining({ field: 'stdn' }));
    expect(f).toMatchObject({ output: 'f' });
    expect(typo.requestId).toBe(res.headers['x-request-id']);
    expect(t.fake.executeCalls()).toHaveLength(2);
  });

  it('when a run has tests, then its answer is the verdict', async () => {
    const t = await app();
    const res = await postBatch(t, {
      runs: [
        echo('', {
          tests: [
            { stdin: '1', expectedOutput: '1' },
            { stdin: '2', expectedOutput: '3' },
          ],
        }),
        echo('plain'),
      ],
    });

    expect(res.body.results[0]).toMatchObject({ verdict: 'wrong_answer', passed: 1, total: 2 });
    expect(res.body.results[1]).toMatchObject({ output: 'plain' });
  });

  it('when Piston fails for a run, then that run has the error and the batch is still 200', async () => {
    const t = await app();
    t.fake.behave('execute', {
      kind: 'status',
      status: 500,
      body: { message: 'boom' },
      once: true,
    });
    const res = await postBatch(t, { runs: [echo('a', { cache: false })] });

    expect(res.status).toBe(200);
    expect(res.body.results[0]).toMatchObject({ code: 'upstream_error' });
    expect(JSON.stringify(res.body)).not.toContain('boom');
  });

  it.each([
    ['more runs than MAX_BATCH_SIZE', { runs: [echo('a'), echo('b'), echo('c')] }, 'runs'],
    ['no runs', { runs: [] }, 'runs'],
    ['runs that are not a list', { runs: echo('a') }, 'runs'],
    ['an unknown field', { runs: [echo('a')], parallel: true }, 'parallel'],
  ])('when the batch has %s, then it is a 400 and nothing runs', async (_name, body, field) => {
    const t = await app({ MAX_BATCH_SIZE: '2' });
    const res = await postBatch(t, body);

    expectError(res, 400, 'invalid_request');
    expect(res.body.details).toContainEqual(expect.objectContaining({ field }));
    expect(t.fake.executeCalls()).toHaveLength(0);
  });

  it('when the body is not JSON, then it is refused like POST /api/execute', async () => {
    const t = await app();
    const res = await request(t.app)
      .post('/api/execute/batch')
      .set('Content-Type', 'text/plain')
      .send('{}');

    expectError(res, 415, 'unsupported_media_type');
    expectError(await request(t.app).get('/api/execute/batch'), 405, 'method_not_allowed');
  });

  it('when runs exceed the executions left, then the runs that fit run and the rest are 429 objects', async () => {
    const t = await app({ EXECUTE_RATE_LIMIT_MAX: '3' });
    const res = await postBatch(t, {
      runs: [
        echo('a'),
        echo('', {
          tests: [
            { stdin: '1', expectedOutput: '1' },
            { stdin: '2', expectedOutput: '2' },
            { stdin: '3', expectedOutput: '3' },
          ],
        }),
        echo('b'),
        echo('c'),
      ],
    });

    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { code?: string }) => r.code ?? 'ran')).toEqual([
      'ran',
      'rate_limited',
      'ran',
      'ran',
    ]);
    expect(t.fake.executeCalls()).toHaveLength(3);
    expectError(await request(t.app).post('/api/execute').send(echo('d')), 429, 'rate_limited');
  });

  it('when runs ran, then each is counted in the metrics under the batch route', async () => {
    const t = await app();
    await postBatch(t, { runs: [echo('a'), echo('b')] });
    const metrics = await scrapeMetrics(t.app);

    expect(sample(metrics, 'gateway_executions_total{language="python",status="ok"}')).toBe(2);
    expect(
      sample(
        metrics,
        'gateway_http_requests_total{method="POST",route="/api/execute/batch",status="200"}',
      ),
    ).toBe(1);
  });
});
