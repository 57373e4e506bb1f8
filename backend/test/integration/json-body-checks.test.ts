import { once } from 'node:events';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../src/middleware/json-text.js';
import { useTestServers } from '../support/build-test-app.js';
import { openRawConnection } from '../support/raw-connection.js';

const { app, serve } = useTestServers();

const hello = JSON.stringify({ language: 'python', code: 'print("Hello, World!")' });

async function post(contentType: string, body: string | Buffer, headers = {}) {
  const t = await app({ BODY_LIMIT: '64kb' });
  const res = await request(t.app)
    .post('/api/execute')
    .set({ 'Content-Type': contentType, ...headers })
    .serialize((raw: unknown) => raw as string)
    .send(body as string);
  return { res, fake: t.fake };
}

/** A body nesting `depth` arrays in `args`. */
const nestedArgs = (depth: number) =>
  `{"language":"python","code":"x","args":${'['.repeat(depth)}${']'.repeat(depth)}}`;

describe('JSON body charsets', () => {
  it.each([
    'application/json; charset="UTF-8"',
    'application/json;charset=Utf-8',
    'application/json; charset=us-ascii',
    'application/json; charset="US-ASCII"',
  ])('when the content type is %s, then the body is read', async (type) => {
    const { res } = await post(type, hello);

    expect(res.status).toBe(200);
  });

  it.each([
    ['utf-16', Buffer.from(hello, 'utf16le')],
    ['utf-16le', Buffer.from(hello, 'utf16le')],
    ['utf-7', Buffer.from(hello)],
    ['iso-8859-1', Buffer.from(hello)],
  ])('when the charset is %s, then it is a 415 and nothing runs', async (charset, body) => {
    const { res, fake } = await post(`application/json; charset=${charset}`, body);

    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({
      code: 'unsupported_media_type',
      error: expect.stringContaining('UTF-8'),
    });
    expect(fake.executeCalls()).toHaveLength(0);
  });

  it.each([
    ['plain', {}],
    ['gzip-compressed', { 'Content-Encoding': 'gzip' }],
  ])(
    'when a %s body is not valid UTF-8, then it is a 400 saying so, not a run of U+FFFD',
    async (_name, headers: Record<string, string>) => {
      const bytes = Buffer.concat([
        Buffer.from('{"language":"python","code":"print(\''),
        Buffer.from([0xc3, 0x28, 0xff]),
        Buffer.from('\')"}'),
      ]);
      const body = headers['Content-Encoding'] ? gzipSync(bytes) : bytes;

      const { res, fake } = await post('application/json', body, headers);

      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        code: 'invalid_json',
        error: 'The request body is not valid UTF-8',
      });
      expect(fake.executeCalls()).toHaveLength(0);
    },
  );

  it('when a US-ASCII body holds other bytes, then it is a 400', async () => {
    const { res } = await post(
      'application/json; charset=us-ascii',
      JSON.stringify({ language: 'python', code: 'print("é")' }),
    );

    expect(res.status).toBe(400);
    expect(res.body.error).toContain('US-ASCII');
  });

  it('when a compressed body declares US-ASCII, then it is inflated and read', async () => {
    const { res } = await post('application/json; charset=us-ascii', gzipSync(hello), {
      'Content-Encoding': 'gzip',
    });

    expect(res.status).toBe(200);
  });

  it('when a compressed body declares UTF-16, then it is a 415', async () => {
    const { res } = await post('application/json; charset=utf-16', gzipSync(hello), {
      'Content-Encoding': 'gzip',
    });

    expect(res.status).toBe(415);
  });
});

describe('JSON body nesting', () => {
  it.each([
    ['plain', (text: string) => text, {}],
    ['gzip-compressed', (text: string) => gzipSync(text), { 'Content-Encoding': 'gzip' }],
  ])(
    'when a %s body nests deeper than the limit, then it is a 400 invalid_json naming it',
    async (_name, encode, headers) => {
      const { res, fake } = await post(
        'application/json',
        encode(nestedArgs(MAX_JSON_DEPTH + 1)),
        headers,
      );

      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        code: 'invalid_json',
        error: `The request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep`,
      });
      expect(fake.executeCalls()).toHaveLength(0);
    },
  );

  it('when the nesting is within the limit, then the body is parsed and validated as usual', async () => {
    const { res } = await post('application/json', nestedArgs(MAX_JSON_DEPTH - 1));

    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_request');
  });

  it('when brackets are inside the code, then they do not count', async () => {
    const code = `print("${'['.repeat(500)}")`;
    const { res } = await post('application/json', JSON.stringify({ language: 'python', code }));

    expect(res.status).toBe(200);
  });
});

describe('a declared Content-Length over BODY_LIMIT', () => {
  it.each([
    ['plain', ''],
    ['gzip-compressed', 'Content-Encoding: gzip\r\n'],
  ])(
    'when a %s body declares a huge length and sends nothing, then the 413 comes at once and the connection closes',
    async (_name, encoding) => {
      const t = await app({ BODY_LIMIT: '2048' });
      const running = await serve(t);
      const connection = await openRawConnection(running.port);

      const answer = await connection.send(
        'POST /api/execute HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n' +
          `${encoding}Content-Length: 1000000000\r\n\r\n`,
      );
      await connection.closed;

      expect(answer.status).toBe(413);
      expect(answer.headers.connection).toBe('close');
      expect(JSON.parse(answer.body)).toMatchObject({ code: 'payload_too_large' });
    },
  );

  it('when the client goes on sending the body it declared, then the server reads it off instead of resetting', async () => {
    const t = await app({ BODY_LIMIT: '2048' });
    const running = await serve(t);
    // Half-open, as a proxy's upstream connection: it goes on sending after the server's FIN.
    const socket = connect({ port: running.port, host: '127.0.0.1', allowHalfOpen: true });
    const errors: string[] = [];
    let received = '';
    socket.on('error', (error: NodeJS.ErrnoException) => errors.push(error.code ?? error.message));
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    const ended = once(socket, 'end');
    socket.write(
      'POST /api/execute HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n' +
        'Content-Length: 4194304\r\n\r\n',
    );
    await ended;

    // A server that closed outright resets the connection here, and a proxy can lose the
    // answer to that reset.
    for (let i = 0; i < 8; i++) {
      socket.write(Buffer.alloc(256 * 1024, 0x20));
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    socket.end();
    await once(socket, 'close');

    expect(received).toMatch(/^HTTP\/1\.1 413 /);
    expect(received).toMatch(/\r\nConnection: close\r\n/i);
    expect(errors).toEqual([]);
  });

  it('when a chunked body runs far past BODY_LIMIT, then the 413 comes without reading it all and the connection closes', async () => {
    const t = await app({ BODY_LIMIT: '2048' });
    const running = await serve(t);
    const connection = await openRawConnection(running.port);
    const chunk = `1000\r\n${'x'.repeat(0x1000)}\r\n`;

    connection.socket.write(
      'POST /api/execute HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n' +
        `Transfer-Encoding: chunked\r\n\r\n${chunk}${chunk}`,
    );
    const answer = await connection.answer();
    await connection.closed;

    expect(answer.status).toBe(413);
    expect(answer.headers.connection).toBe('close');
  });
});
