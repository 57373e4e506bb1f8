import { defineRoutes } from '../openapi/route-docs.js';
import { BatchResponseSchema, createBatchRequestSchema } from '../schemas/verdicts.js';

/** `POST /api/execute/batch` in the OpenAPI document, with the MAX_BATCH_SIZE in force. */
export function batchRouteDocs(maxRuns: number) {
  return defineRoutes([
    {
      method: 'post',
      path: '/api/execute/batch',
      operationId: 'executeBatch',
      summary: 'Run several programs in one request',
      description:
        "`runs` holds up to MAX_BATCH_SIZE bodies of `POST /api/execute` (each as that route takes it, `tests` included). Each run is validated, charged against the execution limit (in order) and run on its own, all concurrently within the gateway's concurrency limit. The answer is 200 when the batch is well formed: `results` has, in the same order, each run's answer or its error object (`ErrorResponse`), so one bad run does not fail the others.",
      tags: ['Execution'],
      protection: 'execute',
      requestBody: {
        schema: createBatchRequestSchema(maxRuns),
        name: 'BatchRequest',
        examples: {
          two: {
            summary: 'Two runs',
            value: {
              runs: [
                { language: 'python', code: 'print(input().upper())', stdin: 'hello\n' },
                { language: 'python', code: 'print(input().upper())', stdin: 'world\n' },
              ],
            },
          },
        },
      },
      responses: {
        200: {
          description: 'One answer or error object per run, in order.',
          content: { schema: BatchResponseSchema, name: 'BatchResponse' },
        },
      },
      errors: ['invalid_json', 'invalid_request', 'payload_too_large', 'unsupported_media_type'],
    },
  ]);
}
