import { Agent } from 'node:http';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestServers } from '../support/build-test-app.js';
import { exchange } from '../support/http-exchange.js';

const { app, serve } = useTestServers();

const hello = JSON.stringify({ language: 'python', code: 'print("Hello, World!")' });

async function post(contentType: string, body: string | Buffer, headers = {}) {
  const t = await app({ BODY_LIMIT: '2048' });
  return request(t.app)
    .post('/api/execute')
    .set({ 'Content-Type': contentType, ...headers })
    .serialize((raw: unknown) => raw as string)
    .send(body as string);
}

describe('JSON request bodies', () => {
  it.each([
    'application/json',
    'application/json; charset=UTF-8',
    'application/json;charset=utf-8',
    'application/vnd.api+json',
  ])('when the content type is %s, then the body is read', async (type) => {
    const res = await post(type, hello);

    expect(res.status).toBe(200);
    expect(res.body.output).toBe('Hello, World!\n');
  });

  it('when the body starts with a UTF-8 byte order mark, then it is ignored', async () => {
    const res = await post('application/json', `\uFEFF${hello}`);

    expect(res.status).toBe(200);
  });

  it('when the body is gzip-compressed, then it is inflated', async () => {
    const res = await post('application/json', gzipSync(hello), { 'Content-Encoding': 'gzip' });

    expect(res.status).toBe(200);
  });

  it.each([
    ['application/json', '  "print(1)"', 'a string'],
    ['application/json', 'null', 'null'],
    ['application/merge-patch+json', '  "print(1)"', 'a string'],
  ])(
    'when the JSON is not an object (%s, %s), then it is a 400 invalid_request, not invalid_json',
    async (type, body, received) => {
      const res = await post(type, body);

      expect(res.status).toBe(400);
      expect(res.body.code).toBe('invalid_request');
      expect(res.body.details).toEqual([
        { field: 'body', message: `must be an object, not ${received}` },
      ]);
    },
  );

  it('when the body is not JSON at all, then it is a 400 invalid_json', async () => {
    const res = await post('application/json', '{"language":');

    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_json');
  });

  it('when the body is empty, then it is a 400 naming the missing fields', async () => {
    const res = await post('application/json', '');

    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_request');
  });

  it('when the charset is not UTF-8, then it is a 415', async () => {
    const res = await post('application/json; charset=iso-8859-1', hello);

    expect(res.status).toBe(415);
    expect(res.body.code).toBe('unsupported_media_type');
  });

  it('when the Content-Encoding is not one the gateway inflates, then it is a 415 that names the ones it does', async () => {
    const res = await post('application/json', hello, { 'Content-Encoding': 'compress' });

    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({
      code: 'unsupported_media_type',
      error: expect.stringContaining('gzip'),
    });
  });

  const TOO_LARGE = {
    code: 'payload_too_large',
    error: 'The request body is larger than 2048 bytes',
    details: [{ field: 'body', message: 'the limit is 2048 bytes', limit: 2048 }],
  };

  it('when Content-Length declares more than BODY_LIMIT, then it is a 413 naming the limit', async () => {
    const res = await post('application/json', JSON.stringify({ code: 'x'.repeat(4096) }));

    expect(res.status).toBe(413);
    expect(res.body).toMatchObject(TOO_LARGE);
  });

  it('when a gzipped body inflates past BODY_LIMIT, then it is the same 413', async () => {
    const bomb = gzipSync(JSON.stringify({ language: 'python', code: 'x'.repeat(100_000) }));
    const res = await post('application/json', bomb, { 'Content-Encoding': 'gzip' });

    expect(bomb.length).toBeLessThan(2048);
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject(TOO_LARGE);
  });

  it('when a chunked body grows past BODY_LIMIT, then it is a 413 and the connection still serves the next request', async () => {
    const t = await app({ BODY_LIMIT: '2048' });
    const running = await serve(t);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (chunks: string[]) =>
      exchange(running.port, {
        agent,
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        body: chunks,
      });

    const tooLarge = await send(['{"code":"', 'x'.repeat(1500), 'x'.repeat(1500), '"}']);
    const next = await send([hello]);
    agent.destroy();

    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.body)).toMatchObject(TOO_LARGE);
    expect(next).toMatchObject({ status: 200, reused: true });
  });

  it('when the client leaves halfway through the body, then nothing is logged as a server error', async () => {
    const t = await app({ BODY_LIMIT: '2048' });
    const running = await serve(t);

    const socket = connect(running.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      'POST /api/execute HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        'Content-Length: 100\r\n\r\n{"language":',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    for (let i = 0; i < 50 && !t.logs.some((l) => l.includes('request aborted')); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }

    expect(t.logs.some((line) => line.includes('request aborted by the client'))).toBe(true);
    expect(t.logs.filter((line) => JSON.parse(line).level >= 50)).toEqual([]);
  });
});
