import { z } from 'zod';
import { COMPARE_MODES } from '../verdicts/compare.js';
import { ExecuteRequestSchema } from './execute-request.js';
import {
  ErrorResponseSchema,
  EXECUTION_STATUSES,
  ExecuteResponseSchema,
  StageResultSchema,
} from './execute-response.js';

const MAX_TEST_NAME_LENGTH = 128;

/** One test case: the program's input for it and the output it must print. */
export const TestCaseSchema = z.strictObject({
  name: z.string().max(MAX_TEST_NAME_LENGTH).optional(),
  /** Replaces the request's `stdin` for this test. */
  stdin: z.string().optional(),
  /** Replaces the request's `args` for this test. */
  args: ExecuteRequestSchema.shape.args.unwrap().optional(),
  expectedOutput: z.string(),
  /** Overrides the request's `reveal` for this test (a hidden test among visible ones). */
  reveal: z.boolean().optional(),
});
export type TestCase = z.infer<typeof TestCaseSchema>;

/** The fields that turn `POST /api/execute` into a run against test cases. */
function testFields(maxTests: number) {
  return {
    tests: z.array(TestCaseSchema).min(1).max(maxTests).optional(),
    compare: z.enum(COMPARE_MODES).optional(),
    tolerance: z.number().nonnegative().optional(),
    reveal: z.boolean().optional(),
  };
}

/**
 * The body of `POST /api/execute` with its optional test cases (at most `maxTests`, MAX_TESTS);
 * `compare`, `tolerance` and `reveal` mean something only beside `tests`, and `tolerance` only
 * with `compare: "number"`, so elsewhere they are refused rather than silently ignored.
 */
export function createExecuteBodySchema(maxTests: number) {
  return ExecuteRequestSchema.safeExtend(testFields(maxTests)).superRefine((body, ctx) => {
    if (body.tests === undefined) {
      for (const field of ['compare', 'tolerance', 'reveal'] as const) {
        if (body[field] !== undefined) {
          ctx.addIssue({ code: 'custom', path: [field], message: 'is only allowed with "tests"' });
        }
      }
    } else if (body.tolerance !== undefined && body.compare !== 'number') {
      ctx.addIssue({
        code: 'custom',
        path: ['tolerance'],
        message: 'is only allowed with "compare": "number"',
      });
    }
  });
}
export type ExecuteBody = z.infer<ReturnType<typeof createExecuteBodySchema>>;

/** A test's verdict: `accepted`, `wrong_answer`, or the execution status that ended it. */
export const TEST_VERDICTS = [
  'accepted',
  'wrong_answer',
  ...EXECUTION_STATUSES.filter((status) => status !== 'ok'),
] as const;
export type TestVerdict = (typeof TEST_VERDICTS)[number];

/** One test's outcome; with `reveal: false`, `output`, `stderr` and `expectedOutput` are null. */
export const TestResultSchema = z.strictObject({
  name: z.string(),
  verdict: z.enum(TEST_VERDICTS),
  status: z.enum(EXECUTION_STATUSES),
  output: z.string().nullable(),
  stderr: z.string().nullable(),
  exitCode: z.number().nullable(),
  signal: z.string().nullable(),
  expectedOutput: z.string().nullable(),
  wallTimeMs: z.number().nullable(),
  cpuTimeMs: z.number().nullable(),
  memoryBytes: z.number().nullable(),
});
export type TestResult = z.infer<typeof TestResultSchema>;

/** The 200 body of `POST /api/execute` with `tests`. */
export const TestsResponseSchema = z.strictObject({
  verdict: z.enum(TEST_VERDICTS),
  passed: z.number().int().nonnegative(),
  total: z.number().int().positive(),
  language: z.string(),
  version: z.string(),
  /** The compile stage, once (every test compiles the same program). */
  compile: StageResultSchema.optional(),
  tests: z.array(TestResultSchema),
});
export type TestsResponse = z.infer<typeof TestsResponseSchema>;

/**
 * The body of `POST /api/execute/batch`: at most `maxRuns` (MAX_BATCH_SIZE) runs, each checked
 * on its own so that one bad run is that run's error, not the batch's.
 */
export function createBatchRequestSchema(maxRuns: number) {
  return z.strictObject({ runs: z.array(z.unknown()).min(1).max(maxRuns) });
}

/** The 200 body of `POST /api/execute/batch`: one answer or error object per run, in order. */
export const BatchResponseSchema = z.strictObject({
  results: z.array(z.union([ExecuteResponseSchema, TestsResponseSchema, ErrorResponseSchema])),
});
export type BatchResponse = z.infer<typeof BatchResponseSchema>;
