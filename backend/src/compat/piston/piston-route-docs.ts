import { z } from 'zod';
import { defineRoutes, EXECUTION_ERRORS, type RouteDoc } from '../../openapi/route-docs.js';
import { PistonExecuteBodySchema } from './piston-request.js';
import {
  PistonCompatErrorSchema,
  PistonCompatResponseSchema,
  PistonCompatRuntimeSchema,
} from './piston-response.js';

/** Errors under Piston's paths are in Piston's shape: clients read `message`. */
const PISTON_ERROR_BODY = {
  name: 'PistonError',
  schema: PistonCompatErrorSchema,
  example: (code: string, message: string) => ({ message, code, requestId: 'req-1234' }),
};

function runtimesDoc(base: string, operationId: string): RouteDoc {
  return {
    method: 'get',
    path: `${base}/runtimes`,
    operationId,
    summary: "The installed runtimes, as Piston's `GET /api/v2/runtimes` lists them",
    tags: ['Piston compatibility'],
    protection: 'api',
    responses: {
      200: {
        description: 'One entry per installed runtime.',
        content: { schema: z.array(PistonCompatRuntimeSchema), name: 'PistonRuntimes' },
      },
    },
    errors: [],
    errorBody: PISTON_ERROR_BODY,
  };
}

function executeDoc(base: string, operationId: string): RouteDoc {
  return {
    method: 'post',
    path: `${base}/execute`,
    operationId,
    summary: "Run a program as Piston's `POST /api/v2/execute` does",
    description:
      "Piston 3.1.1's request and answer, field for field, for existing Piston clients: the request runs exactly as `POST /api/execute` does (limits bounded by the gateway's, result cache, execution rate limit). JSON is read whatever the `Content-Type`. `version` may be left out for the newest. Errors are Piston-shaped: `{message, code, requestId}`.",
    tags: ['Piston compatibility'],
    protection: 'execute',
    requestBody: {
      schema: PistonExecuteBodySchema,
      name: 'PistonExecuteRequest',
      examples: {
        python: {
          summary: 'Python, with input',
          value: {
            language: 'python',
            files: [{ name: 'main.py', content: 'print(input().upper())' }],
            stdin: 'hello\n',
          },
        },
      },
    },
    responses: {
      200: {
        description: 'The program ran: `run` (and `compile`) as Piston reports them.',
        headers: ['X-Cache'],
        content: { schema: PistonCompatResponseSchema, name: 'PistonExecuteResponse' },
      },
    },
    errors: ['invalid_json', ...EXECUTION_ERRORS],
    errorBody: PISTON_ERROR_BODY,
  };
}

/** Piston's API under both its paths (self-hosted `/api/v2`, public `/api/v2/piston`). */
export const PISTON_ROUTE_DOCS = defineRoutes([
  runtimesDoc('/api/v2', 'pistonRuntimes'),
  executeDoc('/api/v2', 'pistonExecute'),
  runtimesDoc('/api/v2/piston', 'pistonPublicRuntimes'),
  executeDoc('/api/v2/piston', 'pistonPublicExecute'),
]);
