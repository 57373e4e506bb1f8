import { z } from 'zod';
import { ErrorResponseSchema } from '../schemas/execute-response.js';
import type { ResponseHeader } from './route-docs.js';

/** A JSON Schema object, as zod's toJSONSchema writes it. */
export type JsonSchema = Record<string, unknown>;

/**
 * A zod schema as JSON Schema 2020-12, OpenAPI 3.1's dialect: what a request may send (`input`:
 * defaults make fields optional) or what a response holds (`output`). Refinements JSON Schema
 * cannot say (one of `code` or `files`) are left to the prose.
 */
export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const converted = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  }) as JsonSchema;
  delete converted.$schema;
  return converted;
}

const RATE_LIMIT_DRAFT =
  'https://datatracker.ietf.org/doc/html/draft-ietf-httpapi-ratelimit-headers-08';

/** Every response header the gateway sends, described once. */
export const HEADER_COMPONENTS: Readonly<Record<ResponseHeader, JsonSchema>> = {
  'X-Request-Id': {
    description:
      "The request's id: the caller's own `X-Request-Id` when it is 1-128 characters of `A-Za-z0-9._:-`, else a new UUID. It is in every error body and in the gateway's logs.",
    schema: { type: 'string' },
    example: 'b3c1f0d2-6a51-4c39-9e0e-2f7f3b8f9a10',
  },
  RateLimit: {
    description: `What is left of each limit this request counts against (IETF draft 8, ${RATE_LIMIT_DRAFT}): the policy name, \`r\` requests remaining, \`t\` seconds until the window resets. One item per limit.`,
    schema: { type: 'string' },
    example: '"api"; r=99; t=900, "execute"; r=9; t=300',
  },
  'RateLimit-Policy': {
    description: `The limits in force (IETF draft 8): the policy name, \`q\` requests per window of \`w\` seconds, and \`pk\`, a hash of the key the caller is counted under.`,
    schema: { type: 'string' },
    example:
      '"api"; q=100; w=900; pk=:MTJjYTE3YjQ5YWYy:, "execute"; q=10; w=300; pk=:MTJjYTE3YjQ5YWYy:',
  },
  'Retry-After': {
    description: 'Seconds to wait before trying again (RFC 9110 §10.2.3).',
    schema: { type: 'integer', minimum: 0 },
    example: 30,
  },
  'X-Cache': {
    description:
      '`HIT`: answered from the result cache (no execution, not counted against the execution limit); `MISS`: executed; `COALESCED`: shared the execution of an identical request running at the same moment.',
    schema: { type: 'string', enum: ['HIT', 'MISS', 'COALESCED'] },
  },
  ETag: {
    description:
      'A weak entity tag for the body; send it back in `If-None-Match` to get a 304 while nothing changed.',
    schema: { type: 'string' },
    example: 'W/"n4bQgYhMfWWaL-qgxVrQFaO_Txs"',
  },
  'Cache-Control': {
    description: 'How long a cache may keep the answer.',
    schema: { type: 'string' },
    example: 'public, max-age=300',
  },
  'WWW-Authenticate': {
    description: 'The authentication scheme expected (RFC 9110 §11.6.1).',
    schema: { type: 'string' },
    example: 'Bearer realm="api"',
  },
  Allow: {
    description: 'The methods the path accepts.',
    schema: { type: 'string' },
    example: 'POST',
  },
  'X-Exit-Code': {
    description:
      "The exit code of the stage that ended the run (the compiler's when compiling failed); empty when a signal ended it.",
    schema: { type: 'string' },
    example: '0',
  },
  'X-Signal': {
    description: 'The signal that ended the run (`SIGKILL`...), empty when it exited.',
    schema: { type: 'string' },
    example: '',
  },
  'X-Status': {
    description: 'How the run ended: the `status` of `POST /api/execute`.',
    schema: { type: 'string' },
    example: 'ok',
  },
  'X-Language': {
    description: 'The language that ran (the Piston name an alias resolved to).',
    schema: { type: 'string' },
    example: 'python',
  },
  'X-Version': {
    description: 'The version that ran.',
    schema: { type: 'string' },
    example: '3.11.2',
  },
};

/** The security schemes: API keys (two ways to send one) and the metrics token. */
export const SECURITY_SCHEMES = {
  apiKeyHeader: {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
    description: 'An API key from API_KEYS. Callers with a key get its own rate limit.',
  },
  apiKeyBearer: {
    type: 'http',
    scheme: 'bearer',
    description: 'The same API key, as `Authorization: Bearer <key>`.',
  },
  metricsToken: {
    type: 'http',
    scheme: 'bearer',
    description: 'METRICS_TOKEN, for `GET /metrics` on the public port.',
  },
} as const;

/** The shared schemas every document has. */
export function baseSchemas(): Record<string, JsonSchema> {
  return { ErrorResponse: toJsonSchema(ErrorResponseSchema, 'output') };
}
