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

/** One test case's answer (#17). */
export interface TestCaseResult {
  name: string;
  verdict: string;
  status: string;
  output?: string;
  stderr?: string;
  exitCode: number | null;
  signal: string | null;
  expectedOutput?: string;
  wallTimeMs: number | null;
}

/** The answer of a run: the server's execute response, with the test-case fields when present. */
export type RunResult = ExecuteResponse & {
  verdict?: string;
  passed?: number;
  total?: number;
  tests?: TestCaseResult[];
};

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
