import type { ExecuteResponse } from '../../src/schemas/execute-response.js';

/** The body of `POST /api/execute` as the browser code sends it. */
export interface RunRequest {
  language: string;
  version?: string;
  code: string;
  stdin?: string;
  args?: string[];
  /** Test cases (#17), on servers that support them. */
  tests?: { name?: string; stdin?: string; expectedOutput: string }[];
}

/**
 * One test case's answer: TestResultSchema of backend/src/schemas/verdicts.ts (that module also
 * holds the request schemas, which need Node's Buffer, so browser code cannot import its types).
 */
export interface TestCaseResult {
  name: string;
  verdict: string;
  status: string;
  /** Null when the case's output is not revealed. */
  output: string | null;
  stderr: string | null;
  exitCode: number | null;
  signal: string | null;
  expectedOutput: string | null;
  wallTimeMs: number | null;
  cpuTimeMs: number | null;
  memoryBytes: number | null;
}

/** The verdict answer of `POST /api/execute` with `tests`: TestsResponseSchema (verdicts.ts). */
export interface TestsResponse {
  verdict: string;
  passed: number;
  total: number;
  language: string;
  version: string;
  compile?: ExecuteResponse['compile'];
  tests: TestCaseResult[];
}

/**
 * The answer of a run: the server's execute response, or, when the request had test cases (#17),
 * the verdict answer (`verdict`, `passed`, `total`, `tests`, no top-level output).
 */
export type RunResult = ExecuteResponse | TestsResponse;

/** Whether a run's answer is the verdict answer of a request with test cases. */
export function isTestsResult(result: RunResult): result is TestsResponse {
  return 'tests' in result && Array.isArray(result.tests);
}

/** One entry of `GET /api/execute/languages`, with the editor fields newer servers add. */
export interface LanguageEntry {
  language: string;
  version: string;
  aliases: string[];
  displayName?: string;
  extension?: string;
  editor?: { codemirror?: string | null; monaco?: string | null };
  template?: string;
}
