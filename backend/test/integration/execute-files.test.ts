import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, postExecute, type TestApp } from '../support/build-test-app.js';
import { expectError } from '../support/expect-error.js';
import { loadFixture } from '../support/fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

const execute = (body: unknown) => postExecute(t, body);
const lastPistonBody = () => t.fake.lastExecuteBody();

describe('POST /api/execute, files and their names', () => {
  it('when Java code declares a public class, then Piston gets <Class>.java', async () => {
    await execute({ language: 'java', code: 'public class Greeter { }' });
    expect((lastPistonBody().files as { name: string }[])[0]?.name).toBe('Greeter.java');

    await execute({ language: 'java', code: 'class Hidden { }' });
    expect((lastPistonBody().files as { name: string }[])[0]?.name).toBe('Main.java');
  });

  it('when several files are sent, then all reach Piston, the first as entry point', async () => {
    const res = await execute({
      language: 'python',
      files: [
        { content: 'from utils import greet\nprint(greet("multi-file"))\n' },
        { name: 'utils.py', content: 'def greet(n): return n' },
      ],
    });

    expect(res.status).toBe(200);
    expect(lastPistonBody().files).toEqual([
      { name: 'main.py', content: 'from utils import greet\nprint(greet("multi-file"))\n' },
      { name: 'utils.py', content: 'def greet(n): return n' },
    ]);
  });

  it('when a file is base64, then it reaches Piston with its encoding', async () => {
    const res = await execute({
      language: 'python',
      files: [
        { name: 'main.py', content: 'print(open("data.txt").read())' },
        { name: 'data.txt', content: 'SGVsbG8gZnJvbSBiYXNlNjQh', encoding: 'base64' },
      ],
    });

    expect(res.body.output).toBe('Hello from base64!\n');
    expect((lastPistonBody().files as unknown[])[1]).toEqual({
      name: 'data.txt',
      content: 'SGVsbG8gZnJvbSBiYXNlNjQh',
      encoding: 'base64',
    });
  });

  it('when the only file is base64 (which Piston itself refuses), then Piston gets its text', async () => {
    // Recorded: Piston answers 400 "files must include at least one utf8 encoded file".
    const refused = loadFixture('base64-only-file').request.body as { files: unknown[] };
    const res = await execute({ language: 'python', files: refused.files });

    expect(res.status).toBe(200);
    expect(lastPistonBody().files).toEqual([{ name: 'main.py', content: 'print("hi")' }]);
  });

  it('when the entry file decodes to bytes that are not UTF-8, then it is a 400 naming it', async () => {
    const before = t.fake.executeCalls().length;
    const res = await execute({
      language: 'python',
      files: [{ content: '/w==', encoding: 'base64' }],
    });

    expectError(res, 400, 'invalid_request');
    expect(res.body.details).toEqual([
      expect.objectContaining({
        field: 'files.0.content',
        message: expect.stringMatching(/not UTF-8/),
      }),
    ]);
    expect(t.fake.executeCalls()).toHaveLength(before);
  });

  it('when both code and files are sent, then it is a 400 and Piston is not called', async () => {
    const before = t.fake.executeCalls().length;
    const res = await execute({ language: 'python', code: 'x', files: [{ content: 'x' }] });

    expectError(res, 400, 'invalid_request');
    expect(t.fake.executeCalls()).toHaveLength(before);
  });

  it('when neither code nor files are sent, then it is a 400', async () => {
    expectError(await execute({ language: 'python' }), 400, 'invalid_request');
  });

  it.each(['../x.py', 'dir/x.py', '..'])(
    'when a file is named %j, then it is a 400',
    async (name) => {
      const res = await execute({ language: 'python', files: [{ name, content: 'x' }] });

      expectError(res, 400, 'invalid_request');
      expect(res.body.details[0].field).toBe('files.0.name');
    },
  );
});
