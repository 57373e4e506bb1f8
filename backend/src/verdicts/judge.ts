import type { ExecuteResponse } from '../schemas/execute-response.js';
import type { TestCase, TestResult, TestsResponse, TestVerdict } from '../schemas/verdicts.js';
import { outputMatches, type CompareMode } from './compare.js';

/** How a request's tests are judged: its `tests`, `compare`, `tolerance` and `reveal`. */
export interface TestsOptions {
  tests: TestCase[];
  compare: CompareMode;
  tolerance: number | undefined;
  reveal: boolean;
}

/** A test's verdict: the execution's status when it did not end well, else the comparison's. */
export function testVerdict(
  result: ExecuteResponse,
  expectedOutput: string,
  options: Pick<TestsOptions, 'compare' | 'tolerance'>,
): TestVerdict {
  if (result.status !== 'ok') return result.status;
  return outputMatches(result.output, expectedOutput, options.compare, options.tolerance)
    ? 'accepted'
    : 'wrong_answer';
}

/**
 * One test's entry. `result` is undefined for a test that was not run because the program did
 * not compile (`compileError` is then the first test's result).
 */
function testResult(
  test: TestCase,
  index: number,
  result: ExecuteResponse | undefined,
  options: TestsOptions,
): TestResult {
  const reveal = test.reveal ?? options.reveal;
  const stage = result?.run;
  const verdict = result ? testVerdict(result, test.expectedOutput, options) : 'compile_error';
  return {
    name: test.name ?? `test ${index + 1}`,
    verdict,
    status: result?.status ?? 'compile_error',
    // A program that did not compile printed nothing; the compiler's output is in `compile`.
    output: reveal ? (stage?.stdout ?? '') : null,
    stderr: reveal ? (stage?.stderr ?? '') : null,
    exitCode: stage?.exitCode ?? null,
    signal: stage?.signal ?? null,
    expectedOutput: reveal ? test.expectedOutput : null,
    wallTimeMs: stage?.wallTimeMs ?? null,
    cpuTimeMs: stage?.cpuTimeMs ?? null,
    memoryBytes: stage?.memoryBytes ?? null,
  };
}

/**
 * The answer to a request with tests: every test's entry in order, `accepted` when all passed,
 * else the first failing test's verdict. `results` holds one result per test, or only the
 * first test's when it did not compile (the others were not run).
 */
export function judgeTests(
  results: readonly ExecuteResponse[],
  options: TestsOptions,
): TestsResponse {
  const first = results[0] as ExecuteResponse;
  const compileError = first.status === 'compile_error';
  const tests = options.tests.map((test, index) =>
    testResult(test, index, compileError ? undefined : results[index], options),
  );
  const passed = tests.filter((test) => test.verdict === 'accepted').length;
  const failed = tests.find((test) => test.verdict !== 'accepted');
  return {
    verdict: failed?.verdict ?? 'accepted',
    passed,
    total: tests.length,
    language: first.language,
    version: first.version,
    ...(first.compile ? { compile: first.compile } : {}),
    tests,
  };
}
