import { ApiError, toApiError } from '../shared/api-error.js';
import { createRunClient, RunStopped, type ActiveRun } from '../shared/run-client.js';
import type { LanguageEntry } from '../shared/types.js';
import { createEditor } from './editor.js';
import { displayName, editorMode, starterProgram } from './languages.js';
import { createOutputPane } from './output.js';
import { decodeShare, encodeShare } from './share.js';
import { createTestsPanel } from './tests-panel.js';

const LANGUAGE_KEY = 'playground.language';
/** The API key, for this tab only: sessionStorage, never the URL or localStorage. */
const API_KEY = 'playground.apiKey';
const byId = (id: string) => document.getElementById(id) as HTMLElement;

const select = byId('language') as HTMLSelectElement;
const runButton = byId('run') as HTMLButtonElement;
const stopButton = byId('stop') as HTMLButtonElement;
const stdin = byId('stdin') as HTMLTextAreaElement;
const args = byId('args') as HTMLTextAreaElement;
const inputForm = byId('input-form') as HTMLFormElement;
const inputLine = byId('input-line') as HTMLInputElement;
const shareStatus = byId('share-status');
const keySection = byId('key-section') as HTMLDetailsElement;
const keyInput = byId('api-key') as HTMLInputElement;
keyInput.value = sessionStorage.getItem(API_KEY) ?? '';
const apiKey = () => keyInput.value.trim() || undefined;
const output = createOutputPane();
const tests = createTestsPanel();
const nonce = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.nonce ?? '';
const editor = createEditor(byId('editor'), {
  nonce,
  onRun: () => void run(),
  label: 'Code editor',
});
const startRun = createRunClient({ base: '', interactive: true, apiKey });

let languages: LanguageEntry[] = [];
let active: ActiveRun | undefined;

/** The chosen entry of the language list. */
function current(): LanguageEntry | undefined {
  return languages[select.selectedIndex];
}

/** Highlights the code for the chosen language once its mode has loaded (if still chosen). */
function showMode(): void {
  const entry = current();
  editorMode(entry).then(
    (mode) => {
      if (current() === entry) editor.setMode(mode);
    },
    () => editor.setMode([]),
  );
}

/** Picks a language (by name, and version when given), switching the editor's mode. */
function choose(language: string, version?: string): boolean {
  const index = languages.findIndex(
    (l) =>
      (l.language === language || l.aliases.includes(language)) &&
      (!version || l.version === version),
  );
  if (index < 0) return false;
  select.selectedIndex = index;
  showMode();
  return true;
}

async function loadLanguages(): Promise<void> {
  const key = apiKey();
  const response = await fetch('/api/execute/languages', {
    headers: key ? { 'X-API-Key': key } : {},
  });
  if (!response.ok) throw await toApiError(response);
  languages = ((await response.json()) as { languages: LanguageEntry[] }).languages;
  select.replaceChildren(
    ...languages.map(
      (entry) =>
        new Option(`${displayName(entry)} ${entry.version}`, `${entry.language}@${entry.version}`),
    ),
  );
  select.disabled = languages.length === 0;
  runButton.disabled = languages.length === 0;
  if (languages.length === 0) output.message('No languages are installed on this server.');
}

async function openShared(): Promise<boolean> {
  const shared = await decodeShare(location.hash);
  if (!shared) return false;
  if (!choose(shared.language, shared.version)) choose(shared.language);
  editor.setCode(shared.code);
  stdin.value = shared.stdin;
  args.value = shared.args.join('\n');
  return true;
}

function startFresh(): void {
  const remembered = localStorage.getItem(LANGUAGE_KEY) ?? '';
  const [language = '', version] = remembered.split('@');
  if (!choose(language, version) && !choose('python')) choose(languages[0]?.language ?? '');
  const entry = current();
  if (entry) editor.setCode(starterProgram(entry));
}

select.addEventListener('change', () => {
  const before = languages.find(
    (l) => l.language !== current()?.language && editor.getCode() === starterProgram(l),
  );
  const entry = current();
  if (!entry) return;
  localStorage.setItem(LANGUAGE_KEY, `${entry.language}@${entry.version}`);
  showMode();
  // Replace the code only when it is an untouched starter program (or empty).
  if (before !== undefined || editor.getCode().trim() === '') editor.setCode(starterProgram(entry));
});

function setRunning(running: boolean): void {
  runButton.disabled = running || languages.length === 0;
  stopButton.disabled = !running;
  if (!running) inputForm.hidden = true;
}

async function run(): Promise<void> {
  const entry = current();
  if (!entry || active) return;
  output.clear();
  tests.clear();
  shareStatus.textContent = '';
  const cases = tests.cases();
  const body = {
    language: entry.language,
    version: entry.version,
    code: editor.getCode(),
    stdin: stdin.value,
    args: args.value.split('\n').filter((a) => a !== ''),
    ...(cases.length ? { tests: cases } : {}),
  };
  output.status('Running…', 'busy');
  setRunning(true);
  const runNow = startRun(body, {
    onStdout: (data) => output.stdout(data),
    onStderr: (data) => output.stderr(data),
    onStage: (stage) => {
      output.status(stage === 'compile' ? 'Compiling…' : 'Running…', 'busy');
      inputForm.hidden = runNow.mode() !== 'websocket' || stage !== 'run';
    },
  });
  active = runNow;
  try {
    const result = await runNow.result;
    output.result(result);
    tests.show(result);
  } catch (error) {
    if (error instanceof ApiError) {
      output.error(error);
      askForKey(error);
    } else if (error instanceof RunStopped) output.status('Stopped', 'warn');
    else output.message('The gateway could not be reached. Check your connection and try again.');
  } finally {
    active = undefined;
    setRunning(false);
  }
}

runButton.addEventListener('click', () => void run());
stopButton.addEventListener('click', () => active?.stop());
document.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !event.defaultPrevented) {
    event.preventDefault();
    void run();
  }
});
inputForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const line = `${inputLine.value}\n`;
  if (active?.sendStdin(line)) {
    output.echo(line);
    inputLine.value = '';
  }
});

byId('share').addEventListener('click', () => {
  const entry = current();
  if (!entry) return;
  void encodeShare({
    language: entry.language,
    version: entry.version,
    code: editor.getCode(),
    stdin: stdin.value,
    args: args.value.split('\n').filter((a) => a !== ''),
  }).then(async (hash) => {
    history.replaceState(null, '', hash);
    const url = location.href;
    try {
      await navigator.clipboard.writeText(url);
      shareStatus.textContent = 'Link copied.';
    } catch {
      shareStatus.textContent = 'Link in the address bar.';
    }
  });
});
window.addEventListener('hashchange', () => void openShared());

/** Asks for the key where it goes: the server refused the request without a valid one. */
function askForKey(error: unknown): void {
  if (!(error instanceof ApiError) || (error.status !== 401 && error.status !== 403)) return;
  keySection.open = true;
  keyInput.focus();
}

function start(): void {
  output.clear();
  loadLanguages()
    .then(async () => {
      if (!(await openShared())) startFresh();
    })
    .catch((error: unknown) => {
      select.replaceChildren(new Option('No languages'));
      if (error instanceof ApiError) output.error(error);
      else output.message('The language list could not be loaded. Reload the page to try again.');
      askForKey(error);
    });
}

keyInput.addEventListener('change', () => {
  const key = apiKey();
  if (key) sessionStorage.setItem(API_KEY, key);
  else sessionStorage.removeItem(API_KEY);
  // A key that opens the API loads the languages it could not load before.
  if (languages.length === 0) start();
});

start();
