import { z } from 'zod';
import { defineRoutes } from '../openapi/route-docs.js';
import { ExecuteRequestSchema } from '../schemas/execute-request.js';
import { SSE_EVENT_SCHEMAS } from './live-event-schemas.js';

/** `POST /api/execute/stream` in the OpenAPI document. */
export const STREAM_ROUTE_DOCS = defineRoutes([
  {
    method: 'post',
    path: '/api/execute/stream',
    operationId: 'executeStream',
    summary: 'Run a program and stream its output as Server-Sent Events',
    description:
      'The body of `POST /api/execute` (without `tests`), validated the same way and counted once against the execution limit; never answered from the result cache. The answer is `text/event-stream`: `runtime`, then per stage `stage`, its `stdout`/`stderr` chunks and `exit`, then `result` (the answer of `POST /api/execute`); or `error` (the usual error body) when the run fails after it started. `: ping` comments keep the connection open. Closing the connection kills the run.',
    tags: ['Execution'],
    protection: 'execute',
    requestBody: { schema: ExecuteRequestSchema },
    responses: {
      200: {
        description: 'The run, live: one event per line group, `data:` as the JSON below.',
        content: { mediaType: 'text/event-stream', schema: z.string(), events: SSE_EVENT_SCHEMAS },
      },
    },
    errors: [
      'invalid_json',
      'invalid_request',
      'unsupported_language',
      'unsupported_version',
      'payload_too_large',
      'unsupported_media_type',
      'upstream_unavailable',
      'overloaded',
    ],
  },
]);
