import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, useTestApps, type TestApp } from '../support/build-test-app.js';
import { expectError } from '../support/expect-error.js';
import { loadFixture } from '../support/fixtures.js';
import { runProgram } from '../support/test-programs.js';

const HELLO = 'print("Hello, World!")';
const HELLO_FILE = `${HELLO}\n`;

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ BODY_LIMIT: '4096', MAX_CODE_BYTES: '2048' }, { runProgram });
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  t.fake.behave('execute', undefined);
});

const run = (path = '/api/run/python') => request(t.app).post(path);
const lastPistonBody = () => t.fake.lastExecuteBody();

/** A part of a hand-built multipart body: a field, or a file when it has a filename. */
interface RawPart {
  name: string;
  body: string | Buffer;
  type?: string;
  filename?: string;
}

/** POSTs a multipart body built byte for byte, as curl and browsers send it. */
function postForm(parts: RawPart[], path = '/api/run/python') {
  const boundary = '----gateway-test-boundary';
  const chunks = parts.flatMap((part) => [
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"` +
        (part.filename === undefined ? '' : `; filename="${part.filename}"`) +
        (part.type === undefined ? '' : `\r\nContent-Type: ${part.type}`) +
        '\r\n\r\n',
    ),
    Buffer.isBuffer(part.body) ? part.body : Buffer.from(part.body, 'utf8'),
    Buffer.from('\r\n'),
  ]);
  return request(t.app)
    .post(path)
    .set('content-type', `multipart/form-data; boundary=${boundary}`)
    .send(Buffer.concat([...chunks, Buffer.from(`--${boundary}--\r\n`)]));
}

/** Asserts the one-line text error of the plain-text routes. */
function expectTextError(res: request.Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
  expect(res.text).toMatch(new RegExp(`^error: .+ \\(${code}\\)\\n$`));
  expect(res.text.split('\n')).toHaveLength(2);
}

describe('POST /api/run/:language', () => {
  it('when the program is a text/plain body, then the answer is its output as text with the outcome in headers', async () => {
    const res = await run().type('text/plain').send(HELLO);

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.text).toBe('Hello, World!\n');
    expect(res.headers).toMatchObject({
      'x-exit-code': '0',
      'x-signal': '',
      'x-status': 'ok',
      'x-language': 'python',
      'x-version': '3.11.2',
      'x-cache': 'MISS',
    });
    expect(lastPistonBody()).toMatchObject({
      language: 'python',
      version: '3.11.2',
      files: [{ name: 'main.py', content: HELLO }],
      stdin: '',
      args: [],
    });
  });

  it('when the version is in the path and the body is octet-stream, then that version runs', async () => {
    const res = await run('/api/run/py/3.x')
      .set('content-type', 'application/octet-stream')
      .send(Buffer.from('print(2)'));

    expect(res.status).toBe(200);
    expect(lastPistonBody()).toMatchObject({ language: 'python', version: '3.11.2' });
  });

  it('when curl --data-binary sends a file (form-encoded, line breaks kept), then it runs as it is', async () => {
    const code = 'import sys\nprint(1)\n';
    const res = await run().type('application/x-www-form-urlencoded').send(code);

    expect(res.status).toBe(200);
    expect(lastPistonBody()).toMatchObject({ files: [{ content: code }] });
  });

  it('when curl -d sends a file (form-encoded, its line breaks stripped), then it is a 415 saying to use --data-binary', async () => {
    const before = t.fake.requests.length;
    const res = await run().type('application/x-www-form-urlencoded').send('import sysprint(1)');

    expectTextError(res, 415, 'unsupported_media_type');
    expect(res.text).toContain('--data-binary @file');
    expect(res.text).toContain('Content-Type: text/plain');
    expect(t.fake.requests.length).toBe(before);
  });

  it('when a one-line program comes as text/plain, then it runs as it is', async () => {
    const res = await run().type('text/plain').send(HELLO);

    expect(res.status).toBe(200);
    expect(res.text).toBe('Hello, World!\n');
    expect(lastPistonBody()).toMatchObject({ files: [{ content: HELLO }] });
  });

  it('when the body is JSON or another type, then it is a 415 naming what to send', async () => {
    expectTextError(await run().type('application/json').send('{}'), 415, 'unsupported_media_type');
    expectTextError(
      await run().set('content-type', 'text/plain; charset=latin1').send('print(1)'),
      415,
      'unsupported_media_type',
    );
    expectTextError(
      await run()
        .set('content-type', 'application/x-www-form-urlencoded; charset=iso-8859-1')
        .send('print(1)'),
      415,
      'unsupported_media_type',
    );
  });

  it('when the query has stdin, repeated args and a timeout, then Piston gets them', async () => {
    const res = await run('/api/run/python?stdin=hi&args=a&args=b%20c&timeout=1500')
      .type('text/plain')
      .send(HELLO_FILE);

    expect(res.status).toBe(200);
    expect(lastPistonBody()).toMatchObject({ stdin: 'hi', args: ['a', 'b c'], run_timeout: 1500 });
  });

  it('when the program is a multipart code file with stdin and args parts, then Piston gets them', async () => {
    const res = await run()
      .attach('code', Buffer.from(HELLO_FILE), 'main.py')
      .attach('stdin', Buffer.from('line 1\nline 2\n'), 'input.txt')
      .field('args', 'x')
      .field('args', 'ü y');

    expect(res.status).toBe(200);
    expect(res.text).toBe('ok\n');
    expect(lastPistonBody()).toMatchObject({
      files: [{ content: HELLO_FILE }],
      stdin: 'line 1\nline 2\n',
      args: ['x', 'ü y'],
    });
  });

  it.each([
    ['labelled charset=utf-8', 'text/plain; charset=utf-8'],
    ['labelled "UTF-8" in quotes', 'text/plain; charset="UTF-8"'],
    ['labelled us-ascii (UTF-8 is its superset)', 'text/plain; charset=us-ascii'],
    ['unlabelled', undefined],
  ])(
    'when form fields are multi-byte UTF-8 %s, then Piston gets them unchanged',
    async (_name, type) => {
      const res = await postForm([
        { name: 'code', body: 'print("中")\n', type },
        { name: 'stdin', body: '中文\n', type },
        { name: 'args', body: '中', type },
        { name: 'args', body: 'é ü', type },
      ]);

      expect(res.status).toBe(200);
      expect(lastPistonBody()).toMatchObject({
        files: [{ content: 'print("中")\n' }],
        stdin: '中文\n',
        args: ['中', 'é ü'],
      });
    },
  );

  it('when a form part declares another charset, then it is a 415 naming the part', async () => {
    const calls = t.fake.executeCalls().length;

    const res = await postForm([
      { name: 'code', body: HELLO },
      {
        name: 'args',
        body: Buffer.from('caf\xe9', 'latin1'),
        type: 'text/plain; charset=iso-8859-1',
      },
    ]);

    expectTextError(res, 415, 'unsupported_media_type');
    expect(res.text).toContain('args part is not in UTF-8');
    expect(t.fake.executeCalls()).toHaveLength(calls);
  });

  it.each([
    ['labelled utf-8', 'text/plain; charset=utf-8'],
    ['unlabelled', undefined],
  ])('when a form field %s is not UTF-8, then it is a 400, never replaced', async (_name, type) => {
    const res = await postForm([
      { name: 'code', body: HELLO },
      { name: 'args', body: Buffer.from([0xe4, 0xb8]), type },
    ]);

    expectTextError(res, 400, 'invalid_request');
    expect(res.text).toContain('args.0 must be UTF-8 text');
  });

  it('when the code is a multipart text field, then it runs too', async () => {
    const res = await run().field('code', HELLO).field('stdin', 'z');

    expect(res.status).toBe(200);
    expect(res.text).toBe('Hello, World!\n');
    expect(lastPistonBody()).toMatchObject({ stdin: 'z' });
  });

  it.each([
    ['no code part', (r: request.Test) => r.field('stdin', 'x')],
    ['an unknown part', (r: request.Test) => r.field('code', HELLO).field('stdn', 'x')],
    ['the code twice', (r: request.Test) => r.field('code', HELLO).field('code', HELLO)],
    [
      'an args file',
      (r: request.Test) => r.field('code', HELLO).attach('args', Buffer.from('a'), 'a'),
    ],
    [
      'three files',
      (r: request.Test) =>
        r
          .attach('code', Buffer.from('1'), 'a')
          .attach('stdin', Buffer.from('1'), 'b')
          .attach('x', Buffer.from('1'), 'c'),
    ],
  ])('when a form has %s, then it is a 400', async (_name, build) => {
    expectTextError(await build(run()), 400, 'invalid_request');
  });

  it('when query values are percent-encoded UTF-8, then Piston gets the text, decoded as a form is', async () => {
    const res = await run('/api/run/python?stdin=%E4%B8%AD+%C3%A9%zz100%&args=a%2Bb&st%64in2=x')
      .type('text/plain')
      .send(HELLO_FILE);

    // `st%64in2` is `stdin2`: names are decoded too, then checked.
    expectTextError(res, 400, 'invalid_request');
    expect(res.text).toContain('stdin2 is not a recognised');

    const ok = await run('/api/run/python?stdin=%E4%B8%AD+%C3%A9%zz100%&args=a%2Bb')
      .type('text/plain')
      .send(HELLO_FILE);

    expect(ok.status).toBe(200);
    expect(lastPistonBody()).toMatchObject({ stdin: '中 é%zz100%', args: ['a+b'] });
  });

  it.each([
    ['stdin cut inside a character', '?stdin=%E4%B8', 'stdin must be percent-encoded UTF-8'],
    [
      'an argument of a Latin-1 byte',
      '?args=ok&args=caf%E9',
      'args.1 must be percent-encoded UTF-8',
    ],
    ['a parameter name that is not UTF-8', '?%FF=1', 'query must be percent-encoded UTF-8'],
  ])('when the query has %s, then it is a 400 and nothing runs', async (_name, query, message) => {
    const calls = t.fake.executeCalls().length;

    const res = await run(`/api/run/python${query}`).type('text/plain').send(HELLO_FILE);

    expectTextError(res, 400, 'invalid_request');
    expect(res.text).toContain(message);
    expect(t.fake.executeCalls()).toHaveLength(calls);
  });

  it('when stdin comes from both the query and a part, then it is a 400', async () => {
    const res = await run('/api/run/python?stdin=a').field('code', HELLO).field('stdin', 'b');

    expectTextError(res, 400, 'invalid_request');
    expect(res.text).toContain('stdin send stdin in the query or as a part, not both');
  });

  it.each([
    ['an unknown query parameter', '/api/run/python?stdn=1', 'stdn is not a recognised'],
    ['stdin twice', '/api/run/python?stdin=1&stdin=2', 'stdin must be given once'],
    ['a timeout that is not a number', '/api/run/python?timeout=1e3', 'timeout must be a whole'],
    ['a zero timeout', '/api/run/python?timeout=0', 'timeout must be a positive'],
    ['an argument with NUL', '/api/run/python?args=a%00b', 'args.0 must not contain the NUL'],
  ])('when the query has %s, then it is a 400 naming it', async (_name, path, message) => {
    const res = await run(path).type('text/plain').send(HELLO);

    expectTextError(res, 400, 'invalid_request');
    expect(res.text).toContain(message);
  });

  it('when the program is not UTF-8, in the body or in a form, then it is a 400', async () => {
    const latin1 = Buffer.from('print("caf\xe9")', 'latin1');
    const raw = await run().set('content-type', 'application/octet-stream').send(latin1);
    const form = await run().attach('code', latin1, 'main.py');

    expectTextError(raw, 400, 'invalid_request');
    expect(raw.text).toContain('code must be UTF-8 text');
    expectTextError(form, 400, 'invalid_request');
  });

  it('when the body is empty, then it is a 400', async () => {
    const res = await run().type('text/plain').send('');

    expectTextError(res, 400, 'invalid_request');
  });

  it('when the body is over BODY_LIMIT or the code over MAX_CODE_BYTES, then it is a 413', async () => {
    const overBody = await run().type('text/plain').send('#'.repeat(5000));
    const overForm = await run().attach('code', Buffer.from('#'.repeat(5000)), 'main.py');
    const overCode = await run().type('text/plain').send('#'.repeat(3000));

    expectTextError(overBody, 413, 'payload_too_large');
    expectTextError(overForm, 413, 'payload_too_large');
    expectTextError(overCode, 413, 'payload_too_large');
    expect(overCode.text).toContain('code is larger than 2048 bytes');
  });

  it('when the language is unknown, then the error is one line naming the code', async () => {
    const res = await run('/api/run/cobol').type('text/plain').send(HELLO);

    expectTextError(res, 400, 'unsupported_language');
  });

  it('when the client accepts JSON, then errors are the JSON error body', async () => {
    const res = await run('/api/run/cobol')
      .set('accept', 'application/json')
      .type('text/plain')
      .send(HELLO);

    expectError(res, 400, 'unsupported_language');
  });

  it('when the method is GET, then it is a 405 as text', async () => {
    const res = await request(t.app).get('/api/run/python');

    expectTextError(res, 405, 'method_not_allowed');
    expect(res.headers.allow).toBe('POST');
  });

  it('when the program writes to stdout and stderr in turns, then the answer has them in that order', async () => {
    const res = await run().type('text/plain').send('interleaved');

    expect(res.status).toBe(200);
    expect(res.text).toBe('out 1\nerr 1\nout 2\n');
    expect(res.headers).toMatchObject({ 'x-exit-code': '1', 'x-status': 'runtime_error' });
  });

  it("when the program crashes, then Piston's launcher line reads as a terminal says it", async () => {
    const fixture = loadFixture('c-segfault');
    const source = (fixture.request.body as { files: { content: string }[] }).files[0]!.content;

    const res = await run('/api/run/c').type('text/plain').send(source);

    expect(res.text).toBe('about to crash\nSegmentation fault\n');
    expect(res.headers).toMatchObject({ 'x-exit-code': '139', 'x-signal': 'SIGSEGV' });
  });

  it('when the program compiles with errors, then the answer is the compiler output', async () => {
    const fixture = loadFixture('c-compile-error');
    const source = (fixture.request.body as { files: { content: string }[] }).files[0]!.content;

    const res = await run('/api/run/c').type('text/plain').send(source);

    expect(res.status).toBe(200);
    expect(res.headers['x-status']).toBe('compile_error');
    expect(res.headers['x-exit-code']).toBe('1');
    expect(res.text).toContain("error: expected ';' before 'return'");
  });
});

describe('POST /api/run/:language on the execution path of POST /api/execute', () => {
  const app = useTestApps();

  it('when POST /api/execute ran the same program, then the plain run is a cache hit, uncharged', async () => {
    const a = await app({ RESULT_CACHE_TTL_MS: '60000', EXECUTE_RATE_LIMIT_MAX: '1' });
    await request(a.app).post('/api/execute').send({ language: 'python', code: HELLO });

    const res = await request(a.app).post('/api/run/python').type('text/plain').send(HELLO);

    expect(res.status).toBe(200);
    expect(res.headers['x-cache']).toBe('HIT');
    expect(res.text).toBe('Hello, World!\n');
    expect(a.fake.executeCalls()).toHaveLength(1);
  });

  it('when the answer comes from the result cache, then it is still interleaved as Piston ran it', async () => {
    const a = await app({ RESULT_CACHE_TTL_MS: '60000' }, { runProgram });
    await request(a.app).post('/api/execute').send({ language: 'python', code: 'interleaved' });

    const res = await request(a.app).post('/api/run/python').type('text/plain').send('interleaved');

    expect(res.headers['x-cache']).toBe('HIT');
    expect(res.text).toBe('out 1\nerr 1\nout 2\n');
  });

  it('when the execution limit is used up, then the plain run is a 429 as text with Retry-After', async () => {
    const a = await app({ EXECUTE_RATE_LIMIT_MAX: '1' });
    await request(a.app).post('/api/execute').send({ language: 'python', code: 'print(1)' });

    const res = await request(a.app).post('/api/run/python').type('text/plain').send('print(2)');

    expectTextError(res, 429, 'rate_limited');
    expect(res.headers['retry-after']).toBeDefined();
  });

  it('when Piston cannot be reached, then the execution is given back', async () => {
    const a = await app({ EXECUTE_RATE_LIMIT_MAX: '1' });
    a.fake.behave('execute', { kind: 'reset' });
    const first = await request(a.app).post('/api/run/python').type('text/plain').send('print(1)');
    a.fake.behave('execute', undefined);

    const second = await request(a.app).post('/api/run/python').type('text/plain').send('print(2)');

    expectTextError(first, 503, 'upstream_unavailable');
    expect(second.status).toBe(200);
  });

  it('when a form has more parts than args allow, then it is a 400 naming the limit', async () => {
    const a = await app({ BODY_LIMIT: '65536' });
    let req = request(a.app).post('/api/run/python').field('code', HELLO);
    for (let i = 0; i < 70; i += 1) req = req.field('args', String(i));

    const res = await req;

    expectTextError(res, 400, 'invalid_request');
    expect(res.text).toContain('more than 66 parts');
  });

  it('when an API key is required and missing, then the 401 is one line of text', async () => {
    const a = await app({ REQUIRE_API_KEY: 'true', API_KEYS: 'ci:k-0123456789abcdef:10' });

    const res = await request(a.app).post('/api/run/python').type('text/plain').send(HELLO);

    expectTextError(res, 401, 'api_key_required');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
  });
});

/** Generous for a linear pass over a 1 MB body on a loaded machine; quadratic would be seconds. */
const PARSE_BOUND_MS = 2000;

describe('POST /api/run/:language on adversarial input', () => {
  const app = useTestApps();

  it('when a form is a megabyte of almost-boundaries, then it is read in bounded time', async () => {
    const a = await app();
    const boundary = 'b'.repeat(70);
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="code"; filename="m.py"\r\n\r\n`;
    const filler = `\r\n--${boundary.slice(0, 69)}`.repeat(Math.floor(1_000_000 / 74));
    const body = Buffer.from(`${head}${filler}\r\n--${boundary}--\r\n`);

    const started = performance.now();
    const res = await request(a.app)
      .post('/api/run/python')
      .set('content-type', `multipart/form-data; boundary=${boundary}`)
      .send(body);
    const elapsed = performance.now() - started;

    // The code part is over MAX_CODE_BYTES: refused, but only after a linear read.
    expect(res.status).toBe(413);
    expect(elapsed).toBeLessThan(PARSE_BOUND_MS);
  });

  it('when a form has thousands of tiny parts, then it stops at the part limit in bounded time', async () => {
    const a = await app();
    const part = '--x\r\nContent-Disposition: form-data; name="args"\r\n\r\na\r\n';
    const body = Buffer.from(`${part.repeat(15_000)}--x--\r\n`);

    const started = performance.now();
    const res = await request(a.app)
      .post('/api/run/python')
      .set('content-type', 'multipart/form-data; boundary=x')
      .send(body);
    const elapsed = performance.now() - started;

    expect(res.status).toBe(400);
    expect(res.text).toContain('more than 66 parts');
    expect(elapsed).toBeLessThan(PARSE_BOUND_MS);
  });

  it('when the query is thousands of separators and repeated args, then it is refused in bounded time', async () => {
    const a = await app();
    const query = `${'&'.repeat(6000)}${'args=%00&'.repeat(600)}timeout=${'9'.repeat(100)}`;

    const started = performance.now();
    const res = await request(a.app).post(`/api/run/python?${query}`).type('text/plain').send('1');
    const elapsed = performance.now() - started;

    expect(res.status).toBe(400);
    expect(elapsed).toBeLessThan(PARSE_BOUND_MS);
  });
});
