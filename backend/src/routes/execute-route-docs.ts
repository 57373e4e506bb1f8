import { z } from 'zod';
import { defineRoutes, EXECUTION_ERRORS } from '../openapi/route-docs.js';
import { ExecuteResponseSchema } from '../schemas/execute-response.js';
import { createExecuteBodySchema, TestsResponseSchema } from '../schemas/verdicts.js';

/** `POST /api/execute` in the OpenAPI document, with the MAX_TESTS in force. */
export function executeRouteDocs(maxTests: number) {
  return defineRoutes([
    {
      method: 'post',
      path: '/api/execute',
      operationId: 'execute',
      summary: 'Run a program and answer when it has finished',
      description:
        'Send exactly one of `code` (the program as a string) or `files` (the first file is the program). The language is a Piston name or alias (see `GET /api/execute/languages`); `version` is exact, a semver range or left out for the newest. With `tests`, each test is one execution and the answer is a verdict (`TestsResponse`). A `200` means the program ran, whatever it did: `status` says how it ended. Identical requests may be answered from the result cache (`X-Cache: HIT`), which does not count against the execution limit.',
      tags: ['Execution'],
      protection: 'execute',
      requestBody: {
        schema: createExecuteBodySchema(maxTests),
        name: 'ExecuteRequest',
        examples: {
          python: {
            summary: 'Python, with input',
            value: { language: 'python', code: 'print(input().upper())', stdin: 'hello\n' },
          },
          files: {
            summary: 'Several files and arguments',
            value: {
              language: 'python',
              version: '3.x',
              files: [
                { name: 'main.py', content: 'import sys, util\nprint(util.greet(sys.argv[1]))' },
                { name: 'util.py', content: 'def greet(name):\n    return f"Hello, {name}!"' },
              ],
              args: ['World'],
              timeout: 3000,
            },
          },
        },
      },
      responses: {
        200: {
          description: 'The program ran; `status` says how it ended.',
          headers: ['X-Cache'],
          content: {
            schema: z.union([ExecuteResponseSchema, TestsResponseSchema]),
            name: 'ExecuteResponse',
            examples: {
              ok: {
                summary: 'It printed and exited with 0',
                value: {
                  success: true,
                  output: 'HELLO\n',
                  stderr: '',
                  exitCode: 0,
                  signal: null,
                  status: 'ok',
                  language: 'python',
                  version: '3.11.2',
                  run: {
                    stdout: 'HELLO\n',
                    stderr: '',
                    exitCode: 0,
                    signal: null,
                    cpuTimeMs: 18,
                    wallTimeMs: 27,
                    memoryBytes: 8716288,
                  },
                  truncated: false,
                },
              },
            },
          },
        },
      },
      errors: ['invalid_json', 'unsupported_media_type', ...EXECUTION_ERRORS],
    },
  ]);
}
