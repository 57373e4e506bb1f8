import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { postExecute, useTestApps } from '../support/build-test-app.js';

const app = useTestApps();

const KB = 1024;

/** 90 KB of data sent as base64: within MAX_CODE_BYTES (decoded), 120 KB once encoded. */
const base64File = {
  language: 'python',
  files: [
    { name: 'main.py', content: 'print(open("data.bin", "rb").read()[:4])' },
    { name: 'data.bin', content: Buffer.alloc(90 * KB, 7).toString('base64'), encoding: 'base64' },
  ],
};
/** 30 arguments of 4 KB: 120 KB of args, each within the per-argument limit. */
const manyArgs = {
  language: 'python',
  code: 'import sys',
  args: Array(30).fill('a'.repeat(4 * KB)),
};
/** 90 KB of code whose quotes and newlines JSON-escape to 150 KB. */
const escapingCode = { language: 'python', code: '#"\n'.repeat(30 * KB) };

describe('POST /api/execute when the request as Piston would receive it is too large', () => {
  it.each([
    ['a 90 KB base64 data file', base64File],
    ['30 args of 4 KB', manyArgs],
    ['90 KB of code that JSON-escapes past 100 KB', escapingCode],
  ])('when it is %s, then it is a 413 saying so and Piston gets nothing', async (_name, body) => {
    const t = await app();

    const res = await postExecute(t, body);

    expect(res.status).toBe(413);
    expect(res.body.code).toBe('payload_too_large');
    expect(res.body.error).toMatch(
      /^The request as sent to the execution engine would be \d+ bytes, \d+ over its limit of 102400 bytes/,
    );
    expect(t.fake.executeCalls()).toHaveLength(0);
  });

  it('when it is just inside the limit, then it runs', async () => {
    const t = await app();

    const res = await postExecute(t, { language: 'python', code: 'x'.repeat(95 * KB) });

    expect(res.status).toBe(200);
    expect(t.fake.executeCalls()).toHaveLength(1);
  });

  it('when the client sends several, then they are not charged to its execution limit', async () => {
    const t = await app({ EXECUTE_RATE_LIMIT_MAX: '1' });

    const refused = [await postExecute(t, manyArgs), await postExecute(t, escapingCode)];
    const usage = await request(t.app).get('/api/usage');
    const ran = await postExecute(t, { language: 'python', code: 'print(1)' });

    expect(refused.map((r) => r.status)).toEqual([413, 413]);
    expect(
      (usage.body.limits as { name: string; remaining: number }[]).find((l) => l.name === 'execute')
        ?.remaining,
    ).toBe(1);
    expect(ran.status).toBe(200);
  });

  it('when PISTON_MAX_BODY_BYTES is raised for a Piston that accepts more, then such requests run', async () => {
    const t = await app({ PISTON_MAX_BODY_BYTES: String(1024 * KB) }, { maxBodyBytes: 1024 * KB });

    const res = await postExecute(t, manyArgs);

    expect(res.status).toBe(200);
    expect(t.fake.executeCalls()).toHaveLength(1);
  });
});
