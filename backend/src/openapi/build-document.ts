import type { z } from 'zod';
import type { ErrorCode } from '../errors.js';
import {
  baseSchemas,
  HEADER_COMPONENTS,
  SECURITY_SCHEMES,
  toJsonSchema,
  type JsonSchema,
} from './components.js';
import { ERROR_DOCS, groupByStatus } from './error-docs.js';
import type {
  ContentDoc,
  ErrorBodyDoc,
  Protection,
  ResponseHeader,
  RouteDoc,
} from './route-docs.js';
import { DOCUMENT_DESCRIPTION } from './document-prose.js';

/** What the document says about the deployment it describes. */
export interface OpenApiOptions {
  title: string;
  version: string;
  /** REQUIRE_API_KEY: the API key is then a requirement, not an option, on `/api` routes. */
  requireApiKey: boolean;
}

/** An OpenAPI 3.1 document, as plain JSON. */
export type OpenApiDocument = Record<string, unknown> & {
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components: { schemas: Record<string, JsonSchema> } & Record<string, unknown>;
};

/** The codes every route can answer with, whatever it does. */
const ALWAYS: ErrorCode[] = ['method_not_allowed', 'internal_error'];

const IMPLIED_ERRORS: Readonly<Record<Protection, ErrorCode[]>> = {
  public: [],
  api: ['invalid_api_key', 'api_key_required', 'rate_limited'],
  execute: ['invalid_api_key', 'api_key_required', 'rate_limited'],
  'metrics-token': ['unauthorized', 'rate_limited'],
};

const REQUEST_ID_PARAMETER = {
  name: 'X-Request-Id',
  in: 'header',
  required: false,
  description:
    "Your own id for the request (1-128 characters of `A-Za-z0-9._:-`), echoed in the response's `X-Request-Id`, error bodies and logs; anything else is replaced by a UUID.",
  schema: { type: 'string', maxLength: 128, pattern: '^[A-Za-z0-9._:-]{1,128}$' },
};

/** Builds the OpenAPI 3.1 document of the given routes, their schemas converted from zod. */
export function buildOpenApiDocument(
  routes: readonly RouteDoc[],
  options: OpenApiOptions,
): OpenApiDocument {
  const schemas = baseSchemas();
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    const item = (paths[route.path] ??= {});
    item[route.method] = operation(route, options, schemas);
  }
  const tags = [...new Set(routes.flatMap((route) => route.tags))].map((name) => ({ name }));
  return {
    openapi: '3.1.1',
    info: {
      title: options.title,
      version: options.version,
      description: DOCUMENT_DESCRIPTION,
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/', description: 'This gateway' }],
    tags,
    paths,
    components: {
      schemas,
      headers: Object.fromEntries(
        Object.entries(HEADER_COMPONENTS).map(([name, header]) => [name, header]),
      ),
      securitySchemes: SECURITY_SCHEMES,
    },
  };
}

function operation(route: RouteDoc, options: OpenApiOptions, schemas: Record<string, JsonSchema>) {
  const parameters = [
    ...objectParameters(route.params, 'path'),
    ...objectParameters(route.query, 'query'),
    ...(route.headers ?? []).map((header) => ({
      name: header.name,
      in: 'header',
      required: header.required ?? false,
      description: header.description,
      schema: { type: 'string' },
      ...(header.example !== undefined ? { example: header.example } : {}),
    })),
    REQUEST_ID_PARAMETER,
  ];
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: route.tags,
    parameters,
    ...(route.requestBody
      ? {
          requestBody: {
            description: route.requestBody.description,
            required: route.requestBody.required ?? true,
            content: content(route.requestBody, 'input', schemas),
          },
        }
      : {}),
    responses: responses(route, schemas),
    security: security(route.protection, options),
    ...(route.websocket
      ? {
          'x-websocket': {
            client: messageSchemas(route.websocket.client),
            server: messageSchemas(route.websocket.server),
          },
        }
      : {}),
    ...route.extensions,
  };
}

/** The route's own answers, then one per error status, each with the headers it carries. */
function responses(route: RouteDoc, schemas: Record<string, JsonSchema>) {
  const limited = route.protection === 'api' || route.protection === 'execute';
  const common: ResponseHeader[] = ['X-Request-Id'];
  if (limited) common.push('RateLimit', 'RateLimit-Policy');
  const answers: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(route.responses)) {
    answers[status] = {
      description: response.description,
      headers: headerRefs([...common, ...(response.headers ?? [])]),
      ...(response.content ? { content: content(response.content, 'output', schemas) } : {}),
    };
  }
  const codes = [...route.errors, ...IMPLIED_ERRORS[route.protection], ...ALWAYS];
  for (const [status, group] of groupByStatus(codes)) {
    const error = errorResponse(status, group, common, errorBody(route, schemas), route.errorText);
    const own = answers[String(status)] as OwnResponse | undefined;
    answers[String(status)] = own ? mergeResponses(own, error) : error;
  }
  return answers;
}

interface OwnResponse {
  description: string;
  headers: Record<string, unknown>;
  content?: Record<string, { schema?: JsonSchema; examples?: Record<string, unknown> }>;
}

/**
 * A status the route answers itself (Judge0's 400 `{error}`) that the gateway's errors also use
 * (400 `invalid_json`): either body, the examples of both.
 */
function mergeResponses(own: OwnResponse, error: ReturnType<typeof errorResponse>) {
  const json = own.content?.['application/json'];
  const theirs = error.content['application/json'];
  return {
    description: `${own.description} ${error.description}`,
    headers: { ...own.headers, ...error.headers },
    content: {
      ...error.content,
      'application/json': {
        schema: json?.schema ? { anyOf: [json.schema, theirs.schema] } : theirs.schema,
        examples: { ...json?.examples, ...theirs.examples },
      },
    },
  };
}

function headerRefs(names: ResponseHeader[]): Record<string, unknown> {
  return Object.fromEntries(
    [...new Set(names)].map((name) => [name, { $ref: `#/components/headers/${name}` }]),
  );
}

function objectParameters(schema: z.ZodObject | undefined, location: 'path' | 'query') {
  if (!schema) return [];
  const json = toJsonSchema(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: location,
      required: location === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

function content(doc: ContentDoc, io: 'input' | 'output', schemas: Record<string, JsonSchema>) {
  const mediaType = doc.mediaType ?? 'application/json';
  let schema: JsonSchema | undefined;
  if (doc.schema) {
    schema = toJsonSchema(doc.schema, io);
    if (doc.name) {
      schemas[doc.name] = schema;
      schema = { $ref: `#/components/schemas/${doc.name}` };
    }
  }
  return {
    [mediaType]: {
      ...(schema ? { schema } : {}),
      ...(doc.examples ? { examples: doc.examples } : {}),
      ...(doc.events ? { 'x-sse-events': messageSchemas(doc.events) } : {}),
    },
  };
}

function messageSchemas(messages: Record<string, z.ZodType>): Record<string, JsonSchema> {
  return Object.fromEntries(
    Object.entries(messages).map(([name, schema]) => [name, toJsonSchema(schema, 'output')]),
  );
}

/** The route's own error body (registered in components once), or the gateway's. */
function errorBody(route: RouteDoc, schemas: Record<string, JsonSchema>): ErrorBodyDoc | undefined {
  if (!route.errorBody) return undefined;
  schemas[route.errorBody.name] ??= toJsonSchema(route.errorBody.schema, 'output');
  return route.errorBody;
}

function errorResponse(
  status: number,
  codes: ErrorCode[],
  common: ResponseHeader[],
  own?: ErrorBodyDoc,
  text?: RouteDoc['errorText'],
) {
  const headers: ResponseHeader[] = [...common];
  if (status === 429 || status === 503) headers.push('Retry-After');
  if (status === 401) headers.push('WWW-Authenticate');
  if (status === 405) headers.push('Allow');
  return {
    description: codes.map((code) => `\`${code}\`: ${ERROR_DOCS[code].meaning}`).join(' '),
    headers: headerRefs(headers),
    content: {
      'application/json': {
        schema: own
          ? { $ref: `#/components/schemas/${own.name}` }
          : { $ref: '#/components/schemas/ErrorResponse', properties: { code: { enum: codes } } },
        examples: Object.fromEntries(
          codes.map((code) => [
            code,
            {
              summary: code,
              value: own
                ? own.example(code, ERROR_DOCS[code].example)
                : { error: ERROR_DOCS[code].example, code, requestId: 'req-1234' },
            },
          ]),
        ),
      },
      ...(text ? { 'text/plain': textErrors(codes, text) } : {}),
    },
  };
}

function textErrors(codes: ErrorCode[], text: NonNullable<RouteDoc['errorText']>) {
  return {
    schema: { type: 'string' },
    examples: Object.fromEntries(
      codes.map((code) => [
        code,
        {
          summary: code,
          value: text({ error: ERROR_DOCS[code].example, code, requestId: 'req-1234' }),
        },
      ]),
    ),
  };
}

function security(protection: Protection, options: OpenApiOptions) {
  switch (protection) {
    case 'public':
      return [];
    case 'metrics-token':
      return [{ metricsToken: [] }];
    case 'api':
    case 'execute': {
      const keys = [{ apiKeyHeader: [] }, { apiKeyBearer: [] }];
      // An empty requirement makes the key optional: callers without one are limited by address.
      return options.requireApiKey ? keys : [{}, ...keys];
    }
  }
}
