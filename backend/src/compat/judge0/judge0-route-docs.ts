import { z } from 'zod';
import type { ErrorCode } from '../../errors.js';
import { defineRoutes, type ResponseDoc, type RouteDoc } from '../../openapi/route-docs.js';
import {
  Judge0ErrorSchema,
  Judge0FieldErrorsSchema,
  Judge0LanguageDetailSchema,
  Judge0LanguageSchema,
  Judge0StatusSchema,
  Judge0SubmissionRequestSchema,
  Judge0SubmissionSchema,
  Judge0TokenSchema,
} from './judge0-schemas.js';

const TAGS = ['Judge0 compatibility'];

const SUBMISSION_QUERY = z.object({
  base64_encoded: z.enum(['true', 'false']).optional().describe('Texts are base64, both ways.'),
  fields: z
    .string()
    .optional()
    .describe('Comma-separated fields to answer with, or `*`; Judge0 defaults otherwise.'),
});

const BAD_FIELDS: ResponseDoc = {
  description: 'Judge0\'s refusal, `{"error": ...}`: an unknown name in `fields`.',
  content: {
    schema: Judge0ErrorSchema,
    name: 'Judge0Error',
    examples: { fields: { summary: 'Unknown field', value: { error: 'invalid fields: [nope]' } } },
  },
};

/** The gateway's own errors of the two routes that accept submissions (one, or a batch). */
const SUBMIT_ERRORS: ErrorCode[] = [
  'invalid_json',
  'payload_too_large',
  'unsupported_media_type',
  'upstream_unavailable',
  'queue_unavailable',
];

const QUEUE_FULL: ResponseDoc = {
  description: 'Judge0\'s `{"error":"queue is full"}`: MAX_SUBMISSION_QUEUE are waiting.',
  content: {
    schema: Judge0ErrorSchema,
    examples: { queue_full: { summary: 'Queue full', value: { error: 'queue is full' } } },
  },
};

function unprocessable(schema: z.ZodType, batch: boolean): ResponseDoc {
  const errors = { language_id: ["language with id 9999 doesn't exist"] };
  return {
    description: "Judge0's 422: each refused field with its messages.",
    content: {
      schema,
      examples: {
        language: {
          summary: 'Unknown language',
          value: batch ? [errors] : errors,
        },
      },
    },
  };
}

function info(path: string, operationId: string, summary: string, schema: z.ZodType): RouteDoc {
  return {
    method: 'get',
    path: `/judge0${path}`,
    operationId,
    summary,
    tags: TAGS,
    protection: 'api',
    responses: { 200: { description: 'As Judge0 CE 1.13.1 answers it.', content: { schema } } },
    errors: ['upstream_unavailable'],
  };
}

const PYTHON = { source_code: 'print(input().upper())', language_id: 71, stdin: 'hello\n' };

/** The Judge0 CE 1.13.1-compatible routes under `/judge0` in the OpenAPI document. */
export const JUDGE0_ROUTE_DOCS = defineRoutes([
  info(
    '/languages',
    'judge0Languages',
    'The installed languages by Judge0 id',
    z.array(Judge0LanguageSchema),
  ),
  {
    ...info(
      '/languages/{id}',
      'judge0Language',
      'One language by Judge0 id',
      Judge0LanguageDetailSchema,
    ),
    params: z.object({ id: z.string().describe('A Judge0 language id, such as 71 (Python 3).') }),
    errors: ['not_found', 'upstream_unavailable'],
  },
  info('/statuses', 'judge0Statuses', "Judge0's 14 statuses", z.array(Judge0StatusSchema)),
  info('/about', 'judge0About', 'What answers here', z.record(z.string(), z.string())),
  info(
    '/config_info',
    'judge0ConfigInfo',
    "Judge0's limits and defaults as in force here",
    z.record(z.string(), z.unknown()),
  ),
  {
    method: 'post',
    path: '/judge0/submissions',
    operationId: 'judge0CreateSubmission',
    summary: 'Queue a submission (or wait for it with `wait=true`)',
    description:
      "Judge0's request and answers. The submission is validated as Judge0 validates it (422 naming each field, fields Piston cannot honour included), queued, and counted against the execution rate limit when accepted. Without `wait=true` the answer is its `token`; with it, the finished submission.",
    tags: TAGS,
    protection: 'execute',
    query: SUBMISSION_QUERY.extend({ wait: z.enum(['true', 'false']).optional() }),
    requestBody: {
      schema: Judge0SubmissionRequestSchema,
      name: 'Judge0SubmissionRequest',
      examples: { python: { summary: 'Python, with input', value: PYTHON } },
    },
    responses: {
      201: {
        description: 'Accepted: its token, or with `wait=true` the submission.',
        content: { schema: z.union([Judge0TokenSchema, Judge0SubmissionSchema]) },
      },
      400: BAD_FIELDS,
      422: unprocessable(Judge0FieldErrorsSchema, false),
      503: QUEUE_FULL,
    },
    errors: SUBMIT_ERRORS,
  },
  {
    method: 'get',
    path: '/judge0/submissions/{token}',
    operationId: 'judge0Submission',
    summary: 'A submission by token',
    tags: TAGS,
    protection: 'api',
    params: z.object({ token: z.string() }),
    query: SUBMISSION_QUERY,
    responses: {
      200: {
        description: 'The submission, as `fields` selects it.',
        content: { schema: Judge0SubmissionSchema, name: 'Judge0Submission' },
      },
      400: BAD_FIELDS,
    },
    errors: ['not_found', 'queue_unavailable'],
  },
  {
    method: 'post',
    path: '/judge0/submissions/batch',
    operationId: 'judge0CreateBatch',
    summary: 'Queue several submissions',
    description:
      'Up to MAX_BATCH_SIZE submissions; each answer is its token or its 422 field errors, in order. 422 when none is valid.',
    tags: TAGS,
    protection: 'execute',
    query: SUBMISSION_QUERY.pick({ base64_encoded: true }),
    requestBody: {
      schema: z.strictObject({ submissions: z.array(Judge0SubmissionRequestSchema) }),
      examples: { two: { summary: 'Two submissions', value: { submissions: [PYTHON, PYTHON] } } },
    },
    responses: {
      201: {
        description: 'One token (or field errors, or `{"error":"queue is full"}`) per submission.',
        content: {
          schema: z.array(z.union([Judge0TokenSchema, Judge0ErrorSchema, Judge0FieldErrorsSchema])),
        },
      },
      400: BAD_FIELDS,
      422: unprocessable(z.array(Judge0FieldErrorsSchema), true),
      503: QUEUE_FULL,
    },
    errors: SUBMIT_ERRORS,
  },
  {
    method: 'get',
    path: '/judge0/submissions/batch',
    operationId: 'judge0Batch',
    summary: 'Several submissions by token',
    tags: TAGS,
    protection: 'api',
    query: SUBMISSION_QUERY.extend({
      tokens: z.string().describe('Comma-separated tokens, at most MAX_BATCH_SIZE.'),
    }),
    responses: {
      200: {
        description: 'Each submission, or null for an unknown token, in order.',
        content: {
          schema: z.strictObject({ submissions: z.array(Judge0SubmissionSchema.nullable()) }),
        },
      },
      400: BAD_FIELDS,
    },
    errors: ['queue_unavailable'],
  },
]);
