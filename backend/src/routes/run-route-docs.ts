import { z } from 'zod';
import { defineRoutes, EXECUTION_ERRORS, type RouteDoc } from '../openapi/route-docs.js';
import { errorLine } from '../plain/plain-errors.js';
import { ExecuteRequestSchema } from '../schemas/execute-request.js';

const { language, version } = ExecuteRequestSchema.shape;

const RunQuerySchema = z.object({
  stdin: z.string().optional().describe('The standard input (or a `stdin` part of the form).'),
  args: z
    .array(z.string())
    .optional()
    .describe('Command-line arguments, one `args=` each (or `args` parts of the form).'),
  timeout: z
    .string()
    .optional()
    .describe('The run timeout in milliseconds, as `timeout` of `POST /api/execute`.'),
});

function runDoc(path: string, operationId: string, withVersion: boolean): RouteDoc {
  return {
    method: 'post',
    path,
    operationId,
    summary: withVersion
      ? 'Run the body as a program of this language and version, answered as text'
      : 'Run the body as a program, answered as text',
    description:
      "For terminals: `curl --data-binary @main.py .../api/run/python`. The body is the program (`text/plain` in UTF-8, `application/octet-stream`, or no type), or `multipart/form-data` with a `code` part and optional `stdin` and `args` parts; stdin, args and timeout may come from the query instead (not from both). The answer is the output as a terminal shows it, stdout and stderr interleaved in the order the program wrote them (Piston's `output`; the compiler's on a compile error), with the outcome in the `X-*` headers. It runs exactly as `POST /api/execute` does (limits, result cache, execution rate limit). Errors are one line, `error: <message> (<code>)`, unless `Accept: application/json` asks for the JSON body.",
    tags: ['Execution'],
    protection: 'execute',
    params: z.object({
      language: language.describe('A Piston language name or alias.'),
      ...(withVersion ? { version: version.describe('An exact version or a semver range.') } : {}),
    }),
    query: RunQuerySchema,
    requestBody: {
      mediaType: 'text/plain',
      schema: z.string(),
      description: 'The program (or a multipart form, see the description).',
      examples: { hello: { summary: 'A Python program', value: 'print("Hello, World!")\n' } },
    },
    responses: {
      200: {
        description: 'The program ran; `X-Status` says how it ended.',
        headers: ['X-Exit-Code', 'X-Signal', 'X-Status', 'X-Language', 'X-Version', 'X-Cache'],
        content: { mediaType: 'text/plain', schema: z.string() },
      },
    },
    errors: ['unsupported_media_type', ...EXECUTION_ERRORS],
    errorText: errorLine,
  };
}

/** `POST /api/run/{language}` and `/api/run/{language}/{version}` in the OpenAPI document. */
export const RUN_ROUTE_DOCS = defineRoutes([
  runDoc('/api/run/{language}', 'runPlain', false),
  runDoc('/api/run/{language}/{version}', 'runPlainVersion', true),
]);
