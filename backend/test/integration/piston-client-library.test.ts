import { piston } from 'piston-client';
import { describe, expect, it } from 'vitest';
import { PistonCompatResponseSchema } from '../../src/compat/piston/piston-response.js';
import { useTestServers } from '../support/build-test-app.js';
import { loadFixture } from '../support/fixtures.js';

const { app, serve } = useTestServers();

/**
 * The npm client `piston-client` 1.0.2, unmodified, pointed at the gateway by its base URL. It
 * posts its JSON with node-fetch's default content type (text/plain), always sends
 * `args: ["1", "2", "3"]` and `-1` memory limits, and names no file.
 */
describe('piston-client (npm) against the gateway', () => {
  it('when it lists runtimes and executes, then it gets what a Piston would give it', async () => {
    const t = await app();
    const { port } = await serve(t);
    const client = piston({ server: `http://127.0.0.1:${port}` });

    const runtimes = await client.runtimes();
    const result = await client.execute('python', 'print("Hello, World!")');

    expect(runtimes).toEqual(loadFixture('runtimes').response.body);
    expect(PistonCompatResponseSchema.safeParse(result).success).toBe(true);
    expect(result).toEqual(loadFixture('python-hello').response.body);
    const sent = t.fake.lastExecuteBody();
    expect(sent).toMatchObject({
      language: 'python',
      version: '3.11.2',
      args: ['1', '2', '3'],
      run_timeout: 3000,
      compile_timeout: t.config.COMPILE_TIMEOUT_MS,
      run_memory_limit: t.config.RUN_MEMORY_LIMIT_BYTES,
      compile_memory_limit: t.config.COMPILE_MEMORY_LIMIT_BYTES,
    });
  });

  it('when it sends a program in a language that is not installed, then it reads the message', async () => {
    const t = await app();
    const { port } = await serve(t);
    const client = piston({ server: `http://127.0.0.1:${port}` });

    const result = await client.execute({
      language: 'cobol',
      version: '*',
      files: [{ content: 'x' }],
    });

    expect(result).toMatchObject({
      message: 'cobol-* runtime is unknown',
      code: 'unsupported_language',
    });
  });

  it('when an API key is required, then the client without one is refused with a message', async () => {
    const t = await app({ REQUIRE_API_KEY: 'true', API_KEYS: 'acme:acme-secret-key-0123456789:5' });
    const { port } = await serve(t);
    const client = piston({ server: `http://127.0.0.1:${port}` });

    const runtimes = await client.runtimes();

    expect(runtimes).toMatchObject({ code: 'api_key_required', message: expect.any(String) });
    expect(t.fake.executeCalls()).toHaveLength(0);
  });
});
