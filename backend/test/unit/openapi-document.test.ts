import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildOpenApiDocument } from '../../src/openapi/build-document.js';
import { defineRoutes } from '../../src/openapi/route-docs.js';
import { openApiDocumentValidator, schemaObjectErrors } from '../support/openapi-validator.js';
import type { OpenApiDoc } from '../support/openapi-validator.js';

const OPTIONS = { title: 'Test', version: '1.0.0', requireApiKey: false };

/** The kinds of routes other modules are adding: SSE, WebSocket, path and query parameters. */
const ROUTES = defineRoutes([
  {
    method: 'post',
    path: '/api/execute/stream',
    operationId: 'executeStream',
    summary: 'Stream a run as Server-Sent Events',
    tags: ['Live runs'],
    protection: 'execute',
    requestBody: { schema: z.strictObject({ language: z.string(), code: z.string() }) },
    responses: {
      200: {
        description: 'The events of the run.',
        content: {
          mediaType: 'text/event-stream',
          events: {
            stdout: z.strictObject({ data: z.string() }),
            exit: z.strictObject({ stage: z.enum(['compile', 'run']), exitCode: z.number() }),
          },
          examples: {
            hello: { summary: 'Hello', value: 'event: stdout\ndata: {"data":"hi"}\n\n' },
          },
        },
      },
    },
    errors: ['invalid_request'],
  },
  {
    method: 'get',
    path: '/api/execute/ws',
    operationId: 'executeWebSocket',
    summary: 'An interactive run over a WebSocket',
    tags: ['Live runs'],
    protection: 'execute',
    responses: { 101: { description: 'Switching Protocols: the WebSocket is open.' } },
    errors: [],
    websocket: {
      client: { stdin: z.strictObject({ type: z.literal('stdin'), data: z.string() }) },
      server: { stdout: z.strictObject({ type: z.literal('stdout'), data: z.string() }) },
    },
  },
  {
    method: 'post',
    path: '/api/run/{language}',
    operationId: 'runPlain',
    summary: 'Run a program sent as the body',
    tags: ['Live runs'],
    protection: 'execute',
    params: z.object({ language: z.string().meta({ description: 'A language name or alias' }) }),
    query: z.object({ version: z.string().optional(), args: z.string().optional() }),
    requestBody: { mediaType: 'text/plain', schema: z.string() },
    responses: { 200: { description: 'What it printed.', content: { mediaType: 'text/plain' } } },
    errors: ['unsupported_language'],
  },
]);

describe('buildOpenApiDocument', () => {
  const doc = buildOpenApiDocument(ROUTES, OPTIONS) as unknown as OpenApiDoc;

  it('when given streaming, WebSocket and parameterised routes, then the document is valid OpenAPI 3.1', () => {
    const validate = openApiDocumentValidator();

    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(schemaObjectErrors(doc)).toEqual([]);
  });

  it('when a route streams events, then its media type lists each event with its schema', () => {
    const media = doc.paths['/api/execute/stream']?.post?.responses['200']?.content?.[
      'text/event-stream'
    ] as Record<string, unknown>;

    expect(Object.keys(media['x-sse-events'] as object)).toEqual(['stdout', 'exit']);
    expect(media['x-sse-events']).toMatchObject({
      stdout: { type: 'object', required: ['data'] },
    });
  });

  it('when a route is a WebSocket, then x-websocket has both sides of the conversation', () => {
    const op = doc.paths['/api/execute/ws']?.get as unknown as Record<string, unknown>;

    expect(op['x-websocket']).toMatchObject({
      client: { stdin: { properties: { type: { const: 'stdin' } } } },
      server: { stdout: { properties: { type: { const: 'stdout' } } } },
    });
  });

  it('when a route has path and query parameters, then each is a parameter, path ones required', () => {
    const params = doc.paths['/api/run/{language}']?.post?.parameters ?? [];

    expect(params.map((p) => [p.name, p.in, p.required])).toEqual([
      ['language', 'path', true],
      ['version', 'query', false],
      ['args', 'query', false],
      ['X-Request-Id', 'header', false],
    ]);
  });

  it('when a protected route is described, then its errors include the 401s, 429, 405 and 500', () => {
    const statuses = Object.keys(doc.paths['/api/run/{language}']?.post?.responses ?? {});

    expect(statuses).toEqual(['200', '400', '401', '405', '429', '500']);
  });
});
