import { z } from 'zod';
import { inlineApiKeyProblems } from './auth/api-keys.js';
import { ConfigError, type ConfigProblem } from './config-error.js';
import { heapLimitWarning } from './heap-limit.js';

export { ConfigError, type ConfigProblem } from './config-error.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

const int = (min: number) =>
  z.coerce
    .number({ error: 'expected a whole number' })
    .int('expected a whole number')
    .min(min, `expected a whole number of at least ${min}`);
const positiveInt = () => int(1);
/** `true`/`false` (or `1`/`0`) with a default. */
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { error: 'expected true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1');
const port = z.coerce
  .number({ error: 'expected a port number' })
  .int('expected a port number (a whole number from 0 to 65535)')
  .min(0, 'expected a port number from 0 to 65535')
  .max(65535, 'expected a port number from 0 to 65535');

/**
 * A memory limit in bytes, or -1 for none. Piston passes it to isolate in whole kilobytes, where
 * 0 means no limit: 0 (or under 1000 bytes) would silently mean none, so it is refused.
 */
const memoryLimit = int(-1).refine(
  (bytes) => bytes === -1 || bytes >= 1000,
  'below 1000 bytes Piston reads as no limit at all (0 KB); use -1 to say "no limit" explicitly, or a number of bytes such as 128000000',
);

/** The largest MAX_STREAM_OUTPUT_BYTES: 16 MiB. */
export const MAX_STREAM_OUTPUT_LIMIT = 16 * 1024 * 1024;

/** A byte size written as a plain number of bytes or with a unit (`512kb`, `1mb`). */
const byteSize = z
  .union([z.number(), z.string()])
  .transform((value, ctx) => {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(String(value));
    if (!match?.[1]) {
      ctx.addIssue({ code: 'custom', message: 'expected a size such as 1048576, 512kb or 1mb' });
      return z.NEVER;
    }
    const unit = SIZE_UNITS[(match[2] ?? 'b').toLowerCase()] ?? 1;
    return Math.floor(Number(match[1]) * unit);
  })
  .pipe(z.number().int().positive());

/** `*` (any origin) or a comma-separated list of origins such as `https://app.example.com`. */
const corsOrigins = z.string().transform((value, ctx): '*' | string[] => {
  const trimmed = value.trim();
  if (trimmed === '*') return '*';
  const origins = trimmed
    .split(',')
    .map((origin) => origin.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  const bad = origins.filter((origin) => !/^https?:\/\/[^/\s]+$/i.test(origin));
  if (origins.length === 0 || bad.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `expected "*" or a comma-separated list of origins like https://example.com (bad: ${bad.join(', ') || 'empty'})`,
    });
    return z.NEVER;
  }
  return origins;
});

/** The one schema of every setting the gateway reads from its environment. */
export const ConfigSchema = z
  .object({
    PORT: port.default(5000),
    /** The interface to listen on; unset: every interface (IPv6 and IPv4), as in the image. */
    HOST: z.string().trim().min(1).optional(),
    PISTON_URL: z
      .url({
        protocol: /^https?$/,
        error: 'expected the http(s) address of your Piston, e.g. http://piston:2000',
      })
      .default('http://localhost:2000'),
    PISTON_TIMEOUT_MS: positiveInt().default(5000),
    PISTON_AUTH_HEADER: z
      .string()
      .regex(
        /^[A-Za-z0-9!#$%&'*+.^_`|~-]+:\s*\S.*$/,
        'expected "Header-Name: value", e.g. "X-Piston-Secret: <long random string>"',
      )
      .optional(),
    TRUST_PROXY: int(0).max(10).default(0),
    CORS_ORIGINS: corsOrigins.default('*'),
    RATE_LIMIT_WINDOW_MS: positiveInt().default(15 * 60 * 1000),
    RATE_LIMIT_MAX: positiveInt().default(100),
    EXECUTE_RATE_LIMIT_WINDOW_MS: positiveInt().default(5 * 60 * 1000),
    EXECUTE_RATE_LIMIT_MAX: positiveInt().default(20),
    RUNTIME_CACHE_TTL_MS: positiveInt().default(60 * 60 * 1000),
    MAX_CODE_BYTES: positiveInt().default(100 * 1024),
    MAX_STDIN_BYTES: int(0).default(10 * 1024),
    BODY_LIMIT: byteSize.default(1024 * 1024),
    RUN_TIMEOUT_MS: positiveInt().default(3000),
    MAX_RUN_TIMEOUT_MS: positiveInt().default(5000),
    COMPILE_TIMEOUT_MS: positiveInt().default(10000),
    RUN_MEMORY_LIMIT_BYTES: memoryLimit.default(128_000_000),
    COMPILE_MEMORY_LIMIT_BYTES: memoryLimit.default(256_000_000),
    MAX_CONCURRENT_EXECUTIONS: positiveInt().default(8),
    MAX_QUEUE_SIZE: int(0).default(32),
    QUEUE_TIMEOUT_MS: positiveInt().default(5000),
    RESULT_CACHE_TTL_MS: int(0).default(0),
    RESULT_CACHE_MAX_BYTES: positiveInt().default(64 * 1024 * 1024),
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
    REDIS_KEY_PREFIX: z.string().min(1).max(64).default('gateway:'),
    /**
     * Judge0 submissions' queue and store in a Redis of their own (BullMQ needs `noeviction`, the
     * rate limits and result cache want `allkeys-lru`); unset: REDIS_URL's.
     */
    SUBMISSIONS_REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
    /** Inline entries are checked here, with every other key; a .json file when it is read. */
    API_KEYS: z
      .string()
      .superRefine((value, ctx) => {
        for (const message of inlineApiKeyProblems(value))
          ctx.addIssue({ code: 'custom', message });
      })
      .optional(),
    REQUIRE_API_KEY: flag(false),
    METRICS_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
    /** Prometheus metrics on a port of their own (not behind CORS); `off` turns that port off. */
    METRICS_PORT: z
      .union([z.literal('off'), port], { error: 'expected a port (0 to 65535) or "off"' })
      .default(9464),
    /** Open client connections at once on the public port; more are refused (file descriptors). */
    MAX_CONNECTIONS: positiveInt().default(768),
    /** Piston reads request bodies with body-parser's default 100 KB limit. */
    PISTON_MAX_BODY_BYTES: positiveInt().default(100 * 1024),
    /**
     * Output (stdout and stderr together) one live run may stream before it is ended (#15). Its
     * `result` event carries the output about twice over, JSON-escaped (up to 6 bytes a byte),
     * and is built in memory: the maximum keeps it far below V8's string limit (~512 MiB).
     */
    MAX_STREAM_OUTPUT_BYTES: byteSize
      .refine((bytes) => bytes <= MAX_STREAM_OUTPUT_LIMIT, {
        error: `at most 16mb (${MAX_STREAM_OUTPUT_LIMIT} bytes): a live run's result holds its output twice, JSON-escaped, in memory`,
      })
      .default(1024 * 1024),
    /** The playground page, `/embed.js` and `/docs` (#16); off for API-only deployments. */
    PLAYGROUND_ENABLED: flag(true),
    /** Test cases one execution may carry (#17). */
    MAX_TESTS: positiveInt().max(100).default(20),
    /** Runs in one batch (`POST /api/execute/batch`, Judge0's batch submissions). */
    MAX_BATCH_SIZE: positiveInt().max(100).default(20),
    /** Finished submissions kept in memory without Redis, oldest finished dropped first (#18). */
    MAX_SUBMISSIONS_STORED: positiveInt().default(10000),
    /**
     * And at most this many bytes of them (measured as JSON), so large sources and outputs
     * cannot fill the heap before the count is reached.
     */
    MAX_SUBMISSIONS_STORED_BYTES: byteSize.default(128 * 1024 * 1024),
    /** How long a submission and its result are kept in Redis. */
    SUBMISSION_TTL_MS: positiveInt().default(24 * 60 * 60 * 1000),
    /**
     * With Redis: how long a worker's hold on a running job lasts unrenewed (BullMQ's
     * lockDuration, also its stalled-check interval). A killed instance's running submissions and
     * callback attempts are taken over by another instance within about twice this.
     */
    SUBMISSION_LOCK_MS: int(1000).default(30_000),
    /** Of MAX_CONCURRENT_EXECUTIONS, the slots async submissions may take at once (see below). */
    MAX_ASYNC_EXECUTIONS: positiveInt().optional(),
    /** Submissions waiting to run; beyond it a submission is refused (503). */
    MAX_SUBMISSION_QUEUE: positiveInt().default(1000),
    /** Standard Webhooks secret (`whsec_` and base64) that signs callbacks. */
    WEBHOOK_SECRET: z
      .string()
      .regex(
        /^whsec_[A-Za-z0-9+/]{32,}={0,2}$/,
        'expected whsec_ followed by at least 24 random bytes in base64, e.g. whsec_$(openssl rand -base64 32)',
      )
      .optional(),
    /** Deliveries of one callback before it is given up (the first attempt included). */
    WEBHOOK_MAX_ATTEMPTS: positiveInt().max(30).default(10),
    /** Lets callbacks go to loopback, private and link-local addresses (private deployments). */
    WEBHOOK_ALLOW_PRIVATE: flag(false),
    SHUTDOWN_TIMEOUT_MS: positiveInt().default(10000),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  })
  .refine((config) => config.RUN_TIMEOUT_MS <= config.MAX_RUN_TIMEOUT_MS, {
    error: 'RUN_TIMEOUT_MS must not exceed MAX_RUN_TIMEOUT_MS',
    path: ['RUN_TIMEOUT_MS'],
  })
  .refine((config) => (config.MAX_ASYNC_EXECUTIONS ?? 0) <= config.MAX_CONCURRENT_EXECUTIONS, {
    error: 'must not exceed MAX_CONCURRENT_EXECUTIONS (async work shares those slots)',
    path: ['MAX_ASYNC_EXECUTIONS'],
  })
  .refine((config) => config.PORT === 0 || config.METRICS_PORT !== config.PORT, {
    error: 'must differ from PORT (the metrics listener is a server of its own), or be off',
    path: ['METRICS_PORT'],
  });

/** The validated, typed configuration passed down from main.ts. */
export type Config = Readonly<z.infer<typeof ConfigSchema>>;

/**
 * The extra headers sent with every Piston call: PISTON_AUTH_HEADER ("Name: value") as a header,
 * for a reverse proxy in front of Piston that requires a shared secret.
 */
export function pistonHeaders(authHeader: string | undefined): Record<string, string> {
  if (!authHeader) return {};
  const colon = authHeader.indexOf(':');
  return { [authHeader.slice(0, colon).trim().toLowerCase()]: authHeader.slice(colon + 1).trim() };
}

/**
 * The execution slots async submissions may hold at once: MAX_ASYNC_EXECUTIONS, or by default half
 * of MAX_CONCURRENT_EXECUTIONS (at least one), so people waiting on a synchronous answer always
 * keep the other half.
 */
export function maxAsyncExecutions(
  config: Pick<Config, 'MAX_ASYNC_EXECUTIONS' | 'MAX_CONCURRENT_EXECUTIONS'>,
): number {
  return (
    config.MAX_ASYNC_EXECUTIONS ?? Math.max(1, Math.floor(config.MAX_CONCURRENT_EXECUTIONS / 2))
  );
}

/** Every key the configuration schema knows, for docs and drift tests. */
export const CONFIG_KEYS = Object.keys(ConfigSchema.shape) as (keyof Config)[];

/**
 * Keys whose empty value is a mistake, not a wish for the default: an empty PISTON_URL is a deploy
 * that forgot to fill in the address (Render prompts for it), never a Piston on localhost:2000.
 */
const EMPTY_IS_AN_ERROR: ReadonlySet<string> = new Set(['PISTON_URL']);

/**
 * Parses the gateway's settings from an env-like object. Pure: reads only its argument.
 * Empty strings count as unset, so `KEY=` in a .env file falls back to the default, except for
 * the keys in EMPTY_IS_AN_ERROR.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const input: Record<string, string> = {};
  for (const key of CONFIG_KEYS) {
    const value = env[key];
    if (value !== undefined && (value.trim() !== '' || EMPTY_IS_AN_ERROR.has(key))) {
      input[key] = value;
    }
  }
  const result = ConfigSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => ({
        key: issue.path.join('.') || '(root)',
        message: issue.message,
      })),
    );
  }
  return result.data;
}

/**
 * What main.ts should log (at warn level) once at start-up: settings that are valid but easy to
 * get wrong without noticing. `env` is what loadConfig read, to tell a default from a choice.
 */
export function configWarnings(
  config: Config,
  env: Readonly<Record<string, string | undefined>>,
): ConfigProblem[] {
  const warnings: ConfigProblem[] = [];
  if (!env.PISTON_URL?.trim()) {
    warnings.push({
      key: 'PISTON_URL',
      message: `not set, so the default ${config.PISTON_URL} is used; set it to where Piston listens`,
    });
  }
  for (const key of ['RUN_MEMORY_LIMIT_BYTES', 'COMPILE_MEMORY_LIMIT_BYTES'] as const) {
    if (config[key] === -1) {
      warnings.push({
        key,
        message: `-1: no memory limit, so one ${key.startsWith('RUN') ? 'program' : 'compilation'} can take all the memory of Piston's machine`,
      });
    }
  }
  const heap = heapLimitWarning(config);
  if (heap) warnings.push(heap);
  return warnings;
}
