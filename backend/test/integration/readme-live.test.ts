/**
 * The live-run examples of README.md and docs/live-runs.md, run as written against the gateway
 * and the stand-in Piston: the `curl -N` stream, the `websocat` session, the browser code, the
 * plain-text curl commands; and the README's event and close-code tables against the code.
 */
import { createParser } from 'eventsource-parser';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LIVE_EVENT_SCHEMAS } from '../../src/live/live-event-schemas.js';
import { CLOSE } from '../../src/ws/ws-frames.js';
import { useTestServers } from '../support/build-test-app.js';
import { readRepoFile } from '../support/deployment-files.js';
import { loadFixture } from '../support/fixtures.js';
import { postSse } from '../support/sse-client.js';

const { app, serve } = useTestServers();

const README = readRepoFile('README.md');
const LIVE_RUNS = readRepoFile('docs/live-runs.md');
/** README's live-run part: from its heading to the next one. */
const README_LIVE = /^### Live runs[\s\S]*?(?=^### )/m.exec(README)?.[0] ?? '';

/** The fenced blocks of `markdown` in `language`. */
function blocks(markdown: string, language: string): string[] {
  const fence = new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\`$`, 'gm');
  return [...markdown.matchAll(fence)].map((match) => match[1] ?? '');
}

/** The first block of `markdown` in `language` that contains `text`. */
function blockWith(markdown: string, language: string, text: string): string {
  const found = blocks(markdown, language).find((block) => block.includes(text));
  if (found === undefined) throw new Error(`no ${language} block with ${text}`);
  return found;
}

/** Runs a browser example (an ES module using createParser) against `base`, with its stubs. */
async function runBrowserExample(code: string, base: string): Promise<Record<string, unknown>> {
  const seen = { output: '', events: [] as string[] };
  const stubs = {
    createParser,
    output: { append: (text: string) => (seen.output += text) },
    terminal: { write: (text: string) => (seen.output += text) },
    done: (event: string) => seen.events.push(event),
    showResult: () => seen.events.push('result'),
    showError: () => seen.events.push('error'),
  };
  const body = code
    .replace(/^import .*$/m, '')
    .replace(/https:\/\/gateway\.example(\.com)?/g, base);
  // The constructor of async functions: the example's top-level awaits run in its body.
  const AsyncFunction = Object.getPrototypeOf(async function example() {
    await Promise.resolve();
  }).constructor as new (...args: string[]) => (...values: unknown[]) => Promise<void>;
  await new AsyncFunction(...Object.keys(stubs), body)(...Object.values(stubs));
  return seen;
}

describe('the live-run examples of README.md and docs/live-runs.md', () => {
  it('when the curl -N example runs, then its events stream and end with the result', async () => {
    const command = blockWith(README_LIVE, 'sh', 'curl -N');
    const path = /localhost:5000(\/\S+)/.exec(command)?.[1];
    const body = JSON.parse(/ -d '([^']*)'/.exec(command)?.[1] ?? 'null') as object;
    const t = await app({}, { stdoutByProgram: { 'print("hi", flush=True)': 'hi\n' } });
    const { port } = await serve(t);

    const exchange = await postSse(`http://127.0.0.1:${port}${path}`, body);
    await exchange.ended;

    expect(exchange.events.map((e) => e.event)).toEqual([
      'runtime',
      'stage',
      'stdout',
      'exit',
      'result',
    ]);
    expect(exchange.events[2]?.data).toEqual({ data: 'hi\n' });
  });

  it('when the websocat session is typed line by line, then the program asks, answers and the socket closes 1000', async () => {
    const [command = '', ...frames] = blockWith(README_LIVE, 'sh', 'websocat').trim().split('\n');
    const path = /localhost:5000(\/\S+)/.exec(command)?.[1];
    const t = await app();
    const { port } = await serve(t);
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`);
    const received: { type: string; data?: string }[] = [];
    ws.on('message', (data: Buffer) => received.push(JSON.parse(data.toString('utf8'))));
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await new Promise((resolve) => ws.once('open', resolve));

    for (const frame of frames) ws.send(frame);

    expect(await closed).toBe(1000);
    const printed = received.filter((f) => f.type === 'stdout').map((f) => f.data);
    expect(printed.join('')).toBe('name? hello Ada\nage 36\n');
    expect(received.at(-1)).toMatchObject({ type: 'result', result: { status: 'ok' } });
  });

  it.each([
    ['README.md', README_LIVE],
    ['docs/live-runs.md', LIVE_RUNS],
  ])(
    'when the browser example of %s runs, then it prints the output and sees the result',
    async (_file, markdown) => {
      const t = await app({}, { stdoutByProgram: { 'print("hi")': 'hi\n' } });
      const { port } = await serve(t);

      const seen = await runBrowserExample(
        blockWith(markdown, 'js', 'createParser'),
        `http://127.0.0.1:${port}`,
      );

      expect(seen).toEqual({ output: 'hi\n', events: ['result'] });
    },
  );

  it("when README's plain-text curl commands run, then they answer the program's output", async () => {
    const t = await app();
    const commands = blocks(README, 'sh')
      .flatMap((block) => block.split('\n'))
      .filter((line) => /^curl .*localhost:5000\/api\/run\//.test(line));

    expect(commands.length).toBeGreaterThanOrEqual(2);
    for (const command of commands) {
      const path = /localhost:5000(\/[^\s']+)/.exec(command)?.[1] ?? '';
      const language = /\/api\/run\/([a-z]+)/.exec(path)?.[1] ?? '';
      const program = language === 'c' ? C_HELLO : 'print("Hello, World!")';
      let req = request(t.app).post(path);
      if (command.includes('--data-binary @')) req = req.type('text/plain').send(program);
      for (const [, part, file] of command.matchAll(/-F (\w+)=(@?[\w.-]+)/g)) {
        req = file?.startsWith('@')
          ? req.attach(part ?? '', Buffer.from(part === 'code' ? program : 'x\n'), file.slice(1))
          : req.field(part ?? '', file ?? '');
      }

      const res = await req;

      expect({ command, status: res.status }).toEqual({ command, status: 200 });
      expect(res.text).toMatch(/^Hello, (World|C)!\n$/);
    }
  });

  it("when README lists the events and close codes, then they are the gateway's", () => {
    const rows = (header: string) => {
      const table = README_LIVE.slice(README_LIVE.indexOf(header)).split('\n\n')[0] ?? '';
      return table.split('\n').slice(2);
    };
    const events = rows('| SSE event').flatMap((row) =>
      [...(row.split('|')[1] ?? '').matchAll(/`([a-z]+)`/g)].map((m) => m[1]),
    );
    const codes = rows('| WebSocket close').map((row) => Number(row.split('|')[1]));

    expect(events.sort()).toEqual(Object.keys(LIVE_EVENT_SCHEMAS).sort());
    expect(codes).toEqual(Object.values(CLOSE));
  });
});

/** The recorded C hello world, which the stand-in answers with `Hello, C!`. */
const C_HELLO = (loadFixture('c-hello').request.body as { files: { content: string }[] }).files[0]!
  .content;
