import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import { z } from 'zod';
import { HELLO_PROGRAMS, README_EXAMPLES } from './smoke-checks.js';
import { safeJson } from '../safe-json.js';

/** One check's verdict; `detail` says what was seen (why, when it failed). */
export interface CheckResult {
  name: string;
  outcome: 'pass' | 'fail' | 'skip';
  detail: string;
}

/** Where the smoke test runs and how it calls the gateway. */
export interface SmokeOptions {
  /** The gateway's address, e.g. `http://localhost:5000`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer` (for REQUIRE_API_KEY, or a key's larger limits). */
  apiKey?: string | undefined;
  /** Bound on each request, in ms (default 30 s). */
  timeoutMs?: number;
  /** Called as each check finishes (progress). */
  onResult?: (result: CheckResult) => void;
}

interface Answer {
  status: number;
  json: unknown;
  ms: number;
}

const ErrorBodySchema = z.object({ error: z.string(), code: z.string() });
const LanguagesSchema = z.object({
  languages: z.array(z.object({ language: z.string(), version: z.string() })),
});
const ExecuteAnswerSchema = z.object({
  status: z.string(),
  output: z.string(),
  stderr: z.string(),
  error: z.string().optional(),
});

/** The GET checks, in order: readiness first, so `/health` then shows Piston's state. */
const GET_CHECKS: readonly { path: string; detail: (json: unknown) => string | undefined }[] = [
  { path: '/health/ready', detail: readyDetail },
  { path: '/health', detail: healthDetail },
  { path: '/api/execute/languages', detail: languagesDetail },
  { path: '/api/usage', detail: usageDetail },
];

/** The paths the smoke test GETs (a test checks that README shows each). */
export const SMOKE_GET_PATHS = GET_CHECKS.map((check) => check.path);

/**
 * Runs the operator's smoke test against a running gateway: readiness, health, the language
 * list, usage, every README example, and a hello-world per installed runtime. Never throws for
 * what the gateway does; each check ends up in the list as pass, fail (with the reason) or skip.
 */
export async function runSmoke(options: SmokeOptions): Promise<CheckResult[]> {
  const client = createSmokeClient(options);
  const results: CheckResult[] = [];
  const record = (result: CheckResult) => {
    results.push(result);
    options.onResult?.(result);
  };
  try {
    const call = (method: 'GET' | 'POST', path: string, body?: unknown) =>
      request(client, method, path, body);
    const answers = new Map<string, Answer | { error: string }>();
    for (const check of GET_CHECKS) {
      answers.set(check.path, await call('GET', check.path));
      record(judgeGet(`GET ${check.path}`, answers.get(check.path), check.detail));
    }
    for (const example of README_EXAMPLES) {
      const answer = await call('POST', '/api/execute', example.body);
      record(judgeExecution(`README: ${example.name}`, answer, example.output, 'equal'));
    }
    for (const runtime of installedRuntimes(answers.get('/api/execute/languages'))) {
      const name = `hello: ${runtime.language} ${runtime.version}`;
      const program = HELLO_PROGRAMS[runtime.language];
      if (!program) {
        record({ name, outcome: 'skip', detail: 'no sample program for this language' });
        continue;
      }
      const body = { language: runtime.language, version: runtime.version, code: program.code };
      const answer = await call('POST', '/api/execute', body);
      record(judgeExecution(name, answer, program.expect, 'contain'));
    }
  } finally {
    client.destroy();
  }
  return results;
}

function createSmokeClient(options: SmokeOptions) {
  const httpAgent = new http.Agent({ keepAlive: true });
  const httpsAgent = new https.Agent({ keepAlive: true });
  const instance: AxiosInstance = axios.create({
    baseURL: options.baseUrl,
    timeout: options.timeoutMs ?? 30_000,
    headers: {
      accept: 'application/json',
      ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
    },
    httpAgent,
    httpsAgent,
    proxy: false,
    maxRedirects: 0,
    responseType: 'text',
    maxContentLength: 16 * 1024 * 1024,
    validateStatus: () => true,
  });
  return {
    instance,
    destroy() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

async function request(
  client: ReturnType<typeof createSmokeClient>,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<Answer | { error: string }> {
  const started = performance.now();
  try {
    const response = await client.instance.request<string>({
      method,
      url: path,
      ...(body === undefined ? {} : { data: body }),
    });
    const ms = Math.round(performance.now() - started);
    return { status: response.status, json: safeJson(response.data), ms };
  } catch (error) {
    const { message, code } = error as { message?: string; code?: string };
    return { error: message || code || 'request failed' };
  }
}

function judgeGet(
  name: string,
  answer: Answer | { error: string } | undefined,
  detail: (json: unknown) => string | undefined,
): CheckResult {
  if (!answer || 'error' in answer) return { name, outcome: 'fail', detail: answer?.error ?? '' };
  if (answer.status !== 200) return { name, outcome: 'fail', detail: httpFailure(answer) };
  const seen = detail(answer.json);
  return seen === undefined
    ? { name, outcome: 'fail', detail: 'HTTP 200 with an unexpected body' }
    : { name, outcome: 'pass', detail: seen };
}

function judgeExecution(
  name: string,
  answer: Answer | { error: string },
  expected: string,
  how: 'equal' | 'contain',
): CheckResult {
  if ('error' in answer) return { name, outcome: 'fail', detail: answer.error };
  if (answer.status !== 200) return { name, outcome: 'fail', detail: httpFailure(answer) };
  const parsed = ExecuteAnswerSchema.safeParse(answer.json);
  if (!parsed.success) return { name, outcome: 'fail', detail: 'HTTP 200 with an unexpected body' };
  const result = parsed.data;
  if (result.status !== 'ok') {
    const why = firstLine(result.stderr) || firstLine(result.output);
    return { name, outcome: 'fail', detail: `${result.error ?? result.status}: ${why}` };
  }
  const matches = how === 'equal' ? result.output === expected : result.output.includes(expected);
  if (!matches) {
    const wanted =
      how === 'equal' ? `expected ${quote(expected)}` : `expected ${quote(expected)} in it`;
    return { name, outcome: 'fail', detail: `output ${quote(result.output)}, ${wanted}` };
  }
  return { name, outcome: 'pass', detail: `${quote(result.output)} in ${answer.ms} ms` };
}

function httpFailure(answer: Answer): string {
  const body = ErrorBodySchema.safeParse(answer.json);
  return body.success
    ? `HTTP ${answer.status} ${body.data.code}: ${body.data.error}`
    : `HTTP ${answer.status}`;
}

function readyDetail(json: unknown): string | undefined {
  const parsed = z.object({ status: z.literal('ready') }).safeParse(json);
  return parsed.success ? 'ready' : undefined;
}

function healthDetail(json: unknown): string | undefined {
  const parsed = z
    .object({ status: z.literal('OK'), piston: z.object({ status: z.string() }).optional() })
    .safeParse(json);
  if (!parsed.success) return undefined;
  return parsed.data.piston ? `OK, Piston ${parsed.data.piston.status}` : 'OK';
}

function languagesDetail(json: unknown): string | undefined {
  const parsed = LanguagesSchema.safeParse(json);
  if (!parsed.success || parsed.data.languages.length === 0) return undefined;
  return `${parsed.data.languages.length} runtimes`;
}

function usageDetail(json: unknown): string | undefined {
  const parsed = z
    .object({
      identity: z.object({
        type: z.string(),
        name: z.string().optional(),
        address: z.string().optional(),
      }),
      limits: z.array(z.object({ name: z.string(), remaining: z.number() })),
    })
    .safeParse(json);
  if (!parsed.success) return undefined;
  const { identity, limits } = parsed.data;
  const left = limits.find((l) => l.name === 'execute')?.remaining;
  const who = [identity.type, identity.name ?? identity.address].filter(Boolean).join(' ');
  return `as ${who}${left === undefined ? '' : `, ${left} executions left`}`;
}

function installedRuntimes(answer: Answer | { error: string } | undefined) {
  if (!answer || 'error' in answer || answer.status !== 200) return [];
  const parsed = LanguagesSchema.safeParse(answer.json);
  return parsed.success ? parsed.data.languages : [];
}

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '') ?? '';
}

/** JSON-quoted and cut at 60 characters, so a long output keeps the table readable. */
function quote(text: string): string {
  const shown = JSON.stringify(text);
  return shown.length > 60 ? `${shown.slice(0, 57)}...` : shown;
}

/** The results as a table, then a summary line. */
export function formatReport(results: readonly CheckResult[]): string {
  const width = Math.max(...results.map((r) => r.name.length), 'check'.length);
  const lines = [`${'check'.padEnd(width)}  result  detail`];
  for (const result of results) {
    lines.push(
      `${result.name.padEnd(width)}  ${result.outcome.toUpperCase().padEnd(6)}  ${result.detail}`,
    );
  }
  const count = (outcome: CheckResult['outcome']) =>
    results.filter((r) => r.outcome === outcome).length;
  lines.push('', `${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped`);
  return lines.join('\n');
}
