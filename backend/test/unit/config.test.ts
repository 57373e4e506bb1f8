import { describe, expect, it } from 'vitest';
import {
  CONFIG_KEYS,
  ConfigError,
  configWarnings,
  loadConfig,
  maxAsyncExecutions,
  pistonHeaders,
} from '../../src/config.js';

describe('loadConfig', () => {
  it('when the environment is empty, then every key has its documented default', () => {
    const config = loadConfig({});

    expect(config).toMatchObject({
      PORT: 5000,
      PISTON_URL: 'http://localhost:2000',
      TRUST_PROXY: 0,
      CORS_ORIGINS: '*',
      RATE_LIMIT_WINDOW_MS: 900_000,
      RATE_LIMIT_MAX: 100,
      EXECUTE_RATE_LIMIT_WINDOW_MS: 300_000,
      EXECUTE_RATE_LIMIT_MAX: 20,
      RUNTIME_CACHE_TTL_MS: 3_600_000,
      MAX_CODE_BYTES: 102_400,
      MAX_STDIN_BYTES: 10_240,
      BODY_LIMIT: 1_048_576,
      RUN_TIMEOUT_MS: 3000,
      MAX_RUN_TIMEOUT_MS: 5000,
      COMPILE_TIMEOUT_MS: 10_000,
      RUN_MEMORY_LIMIT_BYTES: 128_000_000,
      COMPILE_MEMORY_LIMIT_BYTES: 256_000_000,
      LOG_LEVEL: 'info',
    });
    // Every key has a default except the optional secrets.
    expect(CONFIG_KEYS.filter((key) => !(key in config))).toEqual([
      'HOST',
      'PISTON_AUTH_HEADER',
      'REDIS_URL',
      'SUBMISSIONS_REDIS_URL',
      'API_KEYS',
      'METRICS_TOKEN',
      'MAX_ASYNC_EXECUTIONS',
      'WEBHOOK_SECRET',
    ]);
    expect(config.REQUIRE_API_KEY).toBe(false);
    expect(config.PLAYGROUND_ENABLED).toBe(true);
    expect(config.WEBHOOK_ALLOW_PRIVATE).toBe(false);
    expect(maxAsyncExecutions(config)).toBe(4);
    expect(maxAsyncExecutions({ ...config, MAX_CONCURRENT_EXECUTIONS: 1 })).toBe(1);
  });

  it('when numbers arrive as strings, then they are coerced', () => {
    const config = loadConfig({ PORT: '8080', TRUST_PROXY: '1', RATE_LIMIT_MAX: '7' });

    expect(config.PORT).toBe(8080);
    expect(config.TRUST_PROXY).toBe(1);
    expect(config.RATE_LIMIT_MAX).toBe(7);
  });

  it('when a value is an empty string, then the default applies', () => {
    expect(loadConfig({ PORT: '', LOG_LEVEL: '  ' }).PORT).toBe(5000);
  });

  it('when several values are bad, then the error names every bad key', () => {
    const attempt = () =>
      loadConfig({
        PORT: 'eighty',
        PISTON_URL: 'not a url',
        LOG_LEVEL: 'loud',
        BODY_LIMIT: '1 potato',
      });

    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const keys = (error as ConfigError).problems.map((p) => p.key).sort();
      expect(keys).toEqual(['BODY_LIMIT', 'LOG_LEVEL', 'PISTON_URL', 'PORT']);
      expect((error as Error).message).toContain('PORT');
    }
  });

  it('when PISTON_URL is not http(s), then it is rejected', () => {
    expect(() => loadConfig({ PISTON_URL: 'ftp://piston:2000' })).toThrow(ConfigError);
  });

  it('when BODY_LIMIT has a unit, then it becomes bytes', () => {
    expect(loadConfig({ BODY_LIMIT: '512kb' }).BODY_LIMIT).toBe(524_288);
    expect(loadConfig({ BODY_LIMIT: '2mb' }).BODY_LIMIT).toBe(2_097_152);
    expect(loadConfig({ BODY_LIMIT: '4096' }).BODY_LIMIT).toBe(4096);
  });

  it('when CORS_ORIGINS is a list, then it is split and trailing slashes are dropped', () => {
    expect(
      loadConfig({ CORS_ORIGINS: 'https://a.example.com/, http://localhost:3000' }).CORS_ORIGINS,
    ).toEqual(['https://a.example.com', 'http://localhost:3000']);
  });

  it('when CORS_ORIGINS holds something that is not an origin, then it is rejected', () => {
    expect(() => loadConfig({ CORS_ORIGINS: 'example.com' })).toThrow(/CORS_ORIGINS/);
  });

  it('when the default run timeout exceeds the maximum, then it is rejected', () => {
    expect(() => loadConfig({ RUN_TIMEOUT_MS: '6000', MAX_RUN_TIMEOUT_MS: '5000' })).toThrow(
      /RUN_TIMEOUT_MS: RUN_TIMEOUT_MS must not exceed MAX_RUN_TIMEOUT_MS/,
    );
  });

  it('when a limit is zero or negative, then it is rejected', () => {
    expect(() => loadConfig({ RATE_LIMIT_MAX: '0' })).toThrow(/RATE_LIMIT_MAX/);
    // In the operator's terms, not zod's ("expected number, received NaN").
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow('PORT: expected a port number');
    expect(() => loadConfig({ RATE_LIMIT_MAX: '0' })).toThrow(
      'RATE_LIMIT_MAX: expected a whole number of at least 1',
    );
    expect(() => loadConfig({ MAX_RUN_TIMEOUT_MS: '-5' })).toThrow(/MAX_RUN_TIMEOUT_MS/);
  });

  it('when a memory limit is -1, then it means no limit and is accepted', () => {
    expect(loadConfig({ RUN_MEMORY_LIMIT_BYTES: '-1' }).RUN_MEMORY_LIMIT_BYTES).toBe(-1);
  });

  it.each(['RUN_MEMORY_LIMIT_BYTES', 'COMPILE_MEMORY_LIMIT_BYTES'])(
    'when %s is 0 or under 1000 bytes (no limit to Piston), then it is refused, pointing to -1',
    (key) => {
      for (const value of ['0', '999']) {
        expect(() => loadConfig({ [key]: value })).toThrow(
          new RegExp(`${key}: below 1000 bytes Piston reads as no limit.*use -1`),
        );
      }
      expect(loadConfig({ [key]: '1000' })[key as 'RUN_MEMORY_LIMIT_BYTES']).toBe(1000);
    },
  );
});

describe('settings of live runs, tests and async submissions', () => {
  it('when MAX_ASYNC_EXECUTIONS exceeds MAX_CONCURRENT_EXECUTIONS, then it is rejected saying why', () => {
    expect(() => loadConfig({ MAX_CONCURRENT_EXECUTIONS: '2', MAX_ASYNC_EXECUTIONS: '3' })).toThrow(
      /MAX_ASYNC_EXECUTIONS: must not exceed MAX_CONCURRENT_EXECUTIONS/,
    );
  });

  it('when WEBHOOK_SECRET is not whsec_ and base64 of enough bytes, then it is rejected', () => {
    expect(() => loadConfig({ WEBHOOK_SECRET: 'secret' })).toThrow(
      /WEBHOOK_SECRET: expected whsec_/,
    );
    expect(() => loadConfig({ WEBHOOK_SECRET: 'whsec_c2hvcnQ=' })).toThrow(/WEBHOOK_SECRET/);
    const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    expect(loadConfig({ WEBHOOK_SECRET: secret }).WEBHOOK_SECRET).toBe(secret);
  });

  it('when a flag is not true or false, then it is rejected', () => {
    expect(() => loadConfig({ PLAYGROUND_ENABLED: 'yes' })).toThrow(
      /PLAYGROUND_ENABLED: expected true or false/,
    );
    expect(loadConfig({ PLAYGROUND_ENABLED: '0' }).PLAYGROUND_ENABLED).toBe(false);
  });

  it('when MAX_STREAM_OUTPUT_BYTES has a unit, then it becomes bytes', () => {
    expect(loadConfig({ MAX_STREAM_OUTPUT_BYTES: '64kb' }).MAX_STREAM_OUTPUT_BYTES).toBe(65_536);
  });

  it('when MAX_STREAM_OUTPUT_BYTES is over 16mb, then it is rejected saying why', () => {
    // A 256mb cap let one result event outgrow V8's string limit and crash the process (#15).
    expect(() => loadConfig({ MAX_STREAM_OUTPUT_BYTES: '256mb' })).toThrow(
      /MAX_STREAM_OUTPUT_BYTES: at most 16mb/,
    );
    expect(loadConfig({ MAX_STREAM_OUTPUT_BYTES: '16mb' }).MAX_STREAM_OUTPUT_BYTES).toBe(16 << 20);
  });
});

describe('METRICS_PORT', () => {
  it('when it equals PORT, then it is rejected saying why', () => {
    expect(() => loadConfig({ PORT: '9464' })).toThrow('METRICS_PORT: must differ from PORT');
    expect(loadConfig({ PORT: '9464', METRICS_PORT: 'off' }).METRICS_PORT).toBe('off');
  });
});

describe('configWarnings', () => {
  const PISTON_URL = 'http://piston:2000';

  it('when every setting is chosen and limited, then there is nothing to warn about', () => {
    const env = { PISTON_URL };
    expect(configWarnings(loadConfig(env), env)).toEqual([]);
  });

  it('when a memory limit is -1, then a warning says programs have no memory limit', () => {
    const env = { PISTON_URL, RUN_MEMORY_LIMIT_BYTES: '-1', COMPILE_MEMORY_LIMIT_BYTES: '-1' };
    const warnings = configWarnings(loadConfig(env), env);

    expect(warnings.map((w) => w.key)).toEqual([
      'RUN_MEMORY_LIMIT_BYTES',
      'COMPILE_MEMORY_LIMIT_BYTES',
    ]);
    expect(warnings[0]?.message).toMatch(/no memory limit/);
  });

  it('when the settings allow more than the heap holds, then a warning says so (heap-limit.ts)', () => {
    const env = { PISTON_URL, MAX_CONCURRENT_EXECUTIONS: '1000', MAX_STREAM_OUTPUT_BYTES: '16mb' };
    const warnings = configWarnings(loadConfig(env), env);

    expect(warnings.map((w) => w.key)).toEqual(['MAX_STREAM_OUTPUT_BYTES']);
    expect(warnings[0]?.message).toMatch(/heap limit/);
  });

  it('when PISTON_URL is unset, then a warning names the default in use', () => {
    expect(configWarnings(loadConfig({}), {})).toEqual([
      {
        key: 'PISTON_URL',
        message: expect.stringContaining('default http://localhost:2000 is used') as string,
      },
    ]);
  });

  it.each(['', '  '])(
    'when PISTON_URL is set but empty (%j), then it is an error, not the default',
    (value) => {
      expect(() => loadConfig({ PISTON_URL: value })).toThrow(
        'PISTON_URL: expected the http(s) address of your Piston',
      );
    },
  );
});

describe('API_KEYS in loadConfig', () => {
  const KEY = 'k'.repeat(32);

  it('when inline entries and other keys are bad, then every problem is listed at once, each entry by number', () => {
    const error = (() => {
      try {
        loadConfig({
          PORT: '70000',
          API_KEYS: `acme:short:5, beta:${KEY}, gamma:${KEY}:x, ok:${KEY}:3, ok:${KEY}2:0`,
        });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      { key: 'PORT', message: expect.stringMatching(/port number/) as string },
      { key: 'API_KEYS', message: 'entry 1 key must be at least 16 characters' },
      {
        key: 'API_KEYS',
        message: expect.stringMatching(/^entry 2 is not name:key:limit/) as string,
      },
      { key: 'API_KEYS', message: 'entry 3 limit must be a whole number of executions per window' },
      { key: 'API_KEYS', message: 'entry 5 limit must be at least 1' },
    ]);
    expect(String(error)).not.toContain(KEY);
  });

  it('when API_KEYS names a .json file, then loadConfig leaves it to be read at start-up', () => {
    expect(loadConfig({ API_KEYS: '/etc/gateway/keys.json' }).API_KEYS).toBe(
      '/etc/gateway/keys.json',
    );
  });
});

describe('pistonHeaders', () => {
  it('when PISTON_AUTH_HEADER is set, then it becomes one lower-cased header', () => {
    const config = loadConfig({ PISTON_AUTH_HEADER: 'X-Piston-Secret:  s3cr3t value ' });

    expect(pistonHeaders(config.PISTON_AUTH_HEADER)).toEqual({ 'x-piston-secret': 's3cr3t value' });
  });

  it('when PISTON_AUTH_HEADER is unset, then no header is added', () => {
    expect(pistonHeaders(loadConfig({}).PISTON_AUTH_HEADER)).toEqual({});
  });

  it.each(['no-colon', ': value', 'Bad Header: x', 'X-Secret:'])(
    'when PISTON_AUTH_HEADER is %j, then it is rejected',
    (value) => {
      expect(() => loadConfig({ PISTON_AUTH_HEADER: value })).toThrow(/PISTON_AUTH_HEADER/);
    },
  );
});
