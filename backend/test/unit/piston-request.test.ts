import { describe, expect, it } from 'vitest';
import { pistonPath, translatePistonRequest } from '../../src/compat/piston/piston-request.js';
import { loadConfig } from '../../src/config.js';
import { BadRequestError } from '../../src/errors.js';

const config = loadConfig({});
const body = (extra: Record<string, unknown> = {}) => ({
  language: 'python',
  version: '3.11.2',
  files: [{ content: 'print(1)' }],
  ...extra,
});

function refusal(raw: unknown): BadRequestError {
  try {
    translatePistonRequest(raw, config);
  } catch (error) {
    if (error instanceof BadRequestError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('translatePistonRequest', () => {
  it('when the operator set no memory limit (-1), then a client may still ask for a smaller one, and "no limit" stays -1', () => {
    const unlimited = { ...config, RUN_MEMORY_LIMIT_BYTES: -1, COMPILE_MEMORY_LIMIT_BYTES: -1 };

    const asked = translatePistonRequest(
      body({ run_memory_limit: 5_000_000, compile_memory_limit: -1 }),
      unlimited,
    );

    expect(asked.limits).toMatchObject({ run_memory_limit: 5_000_000, compile_memory_limit: -1 });
  });

  it('when nothing is asked, then every limit is the gateway default and the body is the native one', () => {
    const { body: native, limits } = translatePistonRequest(body(), config);

    expect(native).toMatchObject({
      language: 'python',
      version: '3.11.2',
      files: [{ content: 'print(1)', encoding: 'utf8' }],
      stdin: '',
      args: [],
      timeout: config.RUN_TIMEOUT_MS,
    });
    expect(limits).toEqual({
      compile_timeout: config.COMPILE_TIMEOUT_MS,
      compile_cpu_time: config.COMPILE_TIMEOUT_MS,
      run_cpu_time: config.RUN_TIMEOUT_MS,
      compile_memory_limit: config.COMPILE_MEMORY_LIMIT_BYTES,
      run_memory_limit: config.RUN_MEMORY_LIMIT_BYTES,
    });
  });

  it.each([
    [{ language: 1 }, 'language is required as a string'],
    [{ version: 3 }, 'version is required as a string'],
    [{ files: 'x' }, 'files is required as an array'],
    [{ files: [1] }, 'files[0].content is required as a string'],
    [{ files: [{ content: 'x', name: 3 }] }, 'If specified, files[0].name must be a string'],
    [{ stdin: 1 }, 'If specified, stdin must be a string'],
    [{ args: [1] }, 'If specified, args must be an array of strings'],
    [{ compile_memory_limit: '1' }, 'If specified, compile_memory_limit must be a number'],
    [{ files: [{ content: 'x' }, { content: 'y', name: 'a/b' }] }, 'files[1].name must not'],
  ])('when the body has %j, then the message says what Piston would: %s', (change, message) => {
    const error = refusal(body(change));

    expect(error.code).toBe('invalid_request');
    expect(error.message.startsWith(message)).toBe(true);
  });
});

describe('pistonPath', () => {
  it('when given field paths, then indices are bracketed', () => {
    expect(pistonPath('files.0.name')).toBe('files[0].name');
    expect(pistonPath('args.12')).toBe('args[12]');
    expect(pistonPath('stdin')).toBe('stdin');
  });
});
