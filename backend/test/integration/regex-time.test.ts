/**
 * Every regular expression (and the scanners that replaced some) applied to what a client sends,
 * timed on adversarial input: long runs of the characters each one treats specially (unclosed
 * quotes, `/*` runs, backslash runs, spaces, almost-matches), with and without a final character
 * that makes the match fail. A linear scan of these inputs takes a few milliseconds; a regular
 * expression that backtracks quadratically takes seconds (`"` + 51,000 `\"` held the event loop
 * 4 s in Java file naming, issue 14 §4.1), so the bounds are generous and still cannot be met
 * by super-linear code. Grep backend/src for `.test(`, `.exec(`, `.match(`, `.replace(`,
 * `.split(`, `.regex(` and regex literals when adding one, and add it here.
 */
import { createServer } from 'node:http';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { javaPublicClass } from '../../src/execution/file-names.js';
import { mapPistonResult } from '../../src/execution/map-result.js';
import { clientAddress } from '../../src/middleware/client-key.js';
import { SAFE_REQUEST_ID } from '../../src/middleware/request-id.js';
import { parseBody } from '../../src/middleware/validate.js';
import { ExecuteRequestSchema } from '../../src/schemas/execute-request.js';
import { isAssetName } from '../../src/web/web-router.js';
import { plainQuery } from '../../src/plain/plain-request.js';
import { headerParameters, parseFormData } from '../../src/plain/form-data.js';
import { testConfig, useTestApps } from '../support/build-test-app.js';
import { createExecuteBodySchema } from '../../src/schemas/verdicts.js';
import { COMPARE_MODES, outputMatches } from '../../src/verdicts/compare.js';
import { readText, splitArguments } from '../../src/compat/judge0/input-fields.js';
import { parseSubmission } from '../../src/compat/judge0/submission-input.js';
import { parseFields } from '../../src/compat/judge0/submission-view.js';
import { pistonStage } from '../support/piston-requests.js';

/** Characters per direct input: 128 K, more than the default MAX_CODE_BYTES. */
const INPUT_CHARS = 128 * 1024;
/** Generous for a linear pass over INPUT_CHARS even on a loaded machine; quadratic is seconds. */
const BOUND_MS = 200;
/** Header bytes per HTTP input (the test server accepts headers this large). */
const HEADER_CHARS = 256 * 1024;
/** Includes a whole HTTP exchange of HEADER_CHARS; quadratic on that input is minutes. */
const HTTP_BOUND_MS = 1000;

/** The characters and fragments the expressions and scanners treat specially. */
const UNITS = [
  '"',
  '\\"',
  "'",
  "\\'",
  '"""',
  '/*',
  '*/',
  '//',
  '/',
  '\\',
  '\\\\',
  ' ',
  '\t',
  '\n',
  '\u0000',
  'a',
  'A',
  '0',
  '0a',
  '1.',
  '1.1.1.1:',
  ':',
  '[',
  '[::',
  '=',
  'AA=',
  'public ',
  'public static ',
  'static ',
  'Bearer ',
  'error: compilation failed\n',
  'Sandbox keeper received fatal signal 6',
  '/piston/packages/',
  '/piston/packages/gcc/10.2.0/run: line 6:     3 ',
  '/piston/packages/gcc/10.2.0/run: line 6:     3 Segmentation fault      ',
  '\r\n',
  ' \r',
  '1',
  '1e',
  '-.',
  '9.9e+9 ',
  '%',
  '%E4%B8',
  '%%41',
  '+',
  '&',
  '&stdin=',
];

/** Each unit repeated to INPUT_CHARS, alone and followed by a character that spoils a match. */
const INPUTS: [name: string, input: string][] = [
  ...UNITS.flatMap((unit): [string, string][] => {
    const run = unit.repeat(Math.ceil(INPUT_CHARS / unit.length));
    return [
      [`${JSON.stringify(unit)} x N`, run],
      [`${JSON.stringify(unit)} x N + "!"`, `${run}!`],
    ];
  }),
  // Issue 14 §4.1: an unclosed string of escaped quotes, and the same for a char literal.
  ['"\\"" then \\" x N', `"${'\\"'.repeat(INPUT_CHARS / 2)}`],
  ["' then \\' x N", `'${"\\'".repeat(INPUT_CHARS / 2)}`],
  ['public then static x N', `public ${'static '.repeat(INPUT_CHARS / 7)}!`],
  ['public then spaces', `public${' '.repeat(INPUT_CHARS)}class`],
  ['/*a x N', '/*a'.repeat(INPUT_CHARS / 3)],
  ['a line of launcher reports', `${'/piston/packages/a/b/run: line 1: 1 '.repeat(3500)}\n`],
];

/**
 * The fastest of up to five runs, stopping as soon as one is within the bound (a loaded machine
 * can stall any one run) or one is hopelessly slow.
 */
function fastestMs(work: () => unknown, bound: number): number {
  let fastest = Infinity;
  for (let attempt = 0; attempt < 5 && fastest >= bound; attempt += 1) {
    const start = performance.now();
    work();
    const took = performance.now() - start;
    fastest = Math.min(fastest, took);
    if (took > bound * 20) break;
  }
  return fastest;
}

/** Every place a client's data meets a regular expression or a scanner, called directly. */
const TARGETS: [name: string, apply: (input: string) => unknown][] = [
  ['file-names: javaPublicClass (Java entry file name)', (s) => javaPublicClass(s)],
  [
    'schemas/execute-request: file name checks',
    (s) => ExecuteRequestSchema.safeParse({ language: 'c', files: [{ name: s, content: 'x' }] }),
  ],
  [
    'schemas/execute-request: base64 content',
    (s) =>
      ExecuteRequestSchema.safeParse({
        language: 'c',
        files: [{ content: 'x' }, { content: s, encoding: 'base64' }],
      }),
  ],
  [
    'schemas/execute-request: hex content',
    (s) =>
      ExecuteRequestSchema.safeParse({
        language: 'c',
        files: [{ content: 'x' }, { content: s, encoding: 'hex' }],
      }),
  ],
  [
    'schemas/execute-request: args and version',
    (s) => ExecuteRequestSchema.safeParse({ language: 'c', code: 'x', version: s, args: [s] }),
  ],
  [
    'middleware/validate: error details for a bad body',
    (s) => {
      try {
        parseBody(ExecuteRequestSchema, { language: s, code: 1, files: s, stdin: s, [s]: s });
      } catch {
        // The 400 is expected; only the time matters.
      }
    },
  ],
  ['middleware/request-id: SAFE_REQUEST_ID', (s) => SAFE_REQUEST_ID.test(s)],
  ['middleware/client-key: clientAddress', (s) => clientAddress(s)],
  ['web/web-router: asset names', (s) => isAssetName(s)],
  [
    'plain/form-data: a part whose content almost repeats the delimiter',
    (s) => {
      const body = `--"\r\nContent-Disposition: form-data; name="a"\r\n\r\n${s}\r\n--"--`;
      try {
        parseFormData(Buffer.from(body), '"', { maxParts: 66, maxHeaders: 8 });
      } catch {
        // Refused or not, only the time matters.
      }
    },
  ],
  ['plain/form-data: header parameters', (s) => headerParameters(`form-data; name=${s}`)],
  ['plain/form-data: a quoted parameter', (s) => headerParameters(`form-data; name="${s}`)],
  [
    'plain/plain-request: the query of /api/run',
    (s) => {
      try {
        plainQuery(`/api/run/c?stdin=${s}`);
      } catch {
        // A 400 is expected for most inputs; only the time matters.
      }
    },
  ],
  [
    'execution/map-result: launcher lines after a signal',
    (s) =>
      mapPistonResult({ language: 'c', version: '1', run: pistonStage({ stderr: s, code: 139 }) }),
  ],
  [
    'execution/map-result: keeper line at an output limit',
    (s) =>
      mapPistonResult({
        language: 'c',
        version: '1',
        run: pistonStage({ stderr: `${s}\n${s}`, code: null, status: 'OL', signal: 'SIGKILL' }),
      }),
  ],
  [
    'execution/map-result: Java compile failure',
    (s) =>
      mapPistonResult({ language: 'java', version: '1', run: pistonStage({ stderr: s, code: 1 }) }),
  ],
  [
    'schemas/verdicts: tests, compare and tolerance',
    (s) =>
      createExecuteBodySchema(20).safeParse({
        language: 'c',
        code: 'x',
        tests: [{ name: s.slice(0, 200), stdin: s, args: [s], expectedOutput: s }],
        compare: s,
        tolerance: s,
      }),
  ],
  // verdicts/compare: the program's output against the client's expected output, both ways.
  ...COMPARE_MODES.flatMap((mode): [string, (input: string) => unknown][] => [
    [`verdicts/compare: ${mode}, input as expected output`, (s) => outputMatches('1', s, mode)],
    [`verdicts/compare: ${mode}, input on both sides`, (s) => outputMatches(s, `${s} `, mode)],
  ]),
  [
    'compat/judge0: base64 text fields (whitespace removed, then checked)',
    (s) => readText({ stdin: s }, 'stdin', {}, true),
  ],
  ['compat/judge0: command_line_arguments split', (s) => splitArguments(s)],
  ['compat/judge0: fields list', (s) => parseFields(s)],
  [
    'compat/judge0: submission numbers and callback_url',
    (s) =>
      parseSubmission(
        { source_code: s, language_id: s, cpu_time_limit: s, callback_url: s },
        { base64: false, runtimes: [], limits: testConfig() },
      ),
  ],
];

describe('regular expressions on request data', () => {
  it.each(TARGETS)('when %s meets adversarial input, then it stays linear', (_name, apply) => {
    const slow = INPUTS.map(([input, value]) => [input, fastestMs(() => apply(value), BOUND_MS)])
      .filter(([, ms]) => Number(ms) >= BOUND_MS)
      .map(([input, ms]) => `${String(input)}: ${Math.round(Number(ms))} ms`);

    expect(slow).toEqual([]);
  });
});

describe('regular expressions and parsers on request headers', () => {
  const build = useTestApps();
  /** Header values: no CR, LF or NUL; tabs and spaces are allowed inside. */
  const BEARERS = [
    `Bearer ${' '.repeat(HEADER_CHARS)}x`,
    `Bearer ${'\t'.repeat(HEADER_CHARS)}x`,
    `Bearer ${'a '.repeat(HEADER_CHARS / 2)}x`,
    `Bearer x${' '.repeat(HEADER_CHARS)}x`,
    `Bearer ${'Bearer '.repeat(HEADER_CHARS / 7)}`,
    'Bearer '.repeat(HEADER_CHARS / 7),
    `Bearer${' \t'.repeat(HEADER_CHARS / 2)}!`,
  ];

  /** The slowest, over `values`, of the fastest of up to three requests carrying `header`. */
  async function slowestHeader(
    env: Record<string, string>,
    path: string,
    header: string,
    values: string[],
  ): Promise<number> {
    const t = await build(env);
    // Node's default header limit is 16 KB; a larger one lets the inputs be long enough to tell.
    const server = createServer({ maxHeaderSize: 4 * HEADER_CHARS }, t.app);
    let slowest = 0;
    try {
      for (const value of values) {
        let fastest = Infinity;
        for (let attempt = 0; attempt < 3 && fastest >= HTTP_BOUND_MS; attempt += 1) {
          const start = performance.now();
          const res = await request(server).get(path).set(header, value);
          fastest = Math.min(fastest, performance.now() - start);
          // Answered, not refused for its size (431): the header reached the code under test.
          expect([200, 304, 401]).toContain(res.status);
        }
        slowest = Math.max(slowest, fastest);
      }
    } finally {
      server.close();
    }
    return slowest;
  }

  it('when an API key header is crafted, then middleware/api-key reads it in linear time', async () => {
    const env = { API_KEYS: 'a:0123456789abcdef:1' };
    expect(await slowestHeader(env, '/api/usage', 'Authorization', BEARERS)).toBeLessThan(
      HTTP_BOUND_MS,
    );
  });

  it('when a metrics token header is crafted, then routes/metrics-routes reads it in linear time', async () => {
    const env = { METRICS_TOKEN: 'metrics-token-0123456789' };
    expect(await slowestHeader(env, '/metrics', 'Authorization', BEARERS)).toBeLessThan(
      HTTP_BOUND_MS,
    );
  });

  it('when If-None-Match is crafted, then routes/languages-routes reads it in linear time', async () => {
    const values = [
      ','.repeat(HEADER_CHARS),
      'W/'.repeat(HEADER_CHARS / 2),
      `${' '.repeat(HEADER_CHARS)}*`,
      '"a", '.repeat(HEADER_CHARS / 5),
      `W/"${'W/'.repeat(HEADER_CHARS / 2)}"`,
    ];
    expect(await slowestHeader({}, '/api/execute/languages', 'If-None-Match', values)).toBeLessThan(
      HTTP_BOUND_MS,
    );
  });
});
