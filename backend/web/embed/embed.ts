// The embeddable runner: <script src="https://gateway.example/embed.js" defer></script>, then
// every <pre data-run="python">...</pre> on the page becomes an editable, runnable snippet.
import { ApiError, describeApiError } from '../shared/api-error.js';
import { createRunClient } from '../shared/run-client.js';
import { describeResult } from '../shared/status.js';
import { EMBED_CSS } from './embed-style.js';

/** The gateway this script came from: its API is there, whatever page includes it. */
const script = document.currentScript as HTMLScriptElement | null;
const base = script?.src ? new URL(script.src).origin : location.origin;
const startRun = createRunClient({ base, interactive: false });

let sheet: CSSStyleSheet | undefined;
/** Styles for a shadow root: one constructed sheet shared by all (no <style>, so no CSP nonce). */
function adoptStyles(root: ShadowRoot): void {
  if ('adoptedStyleSheets' in root && typeof CSSStyleSheet.prototype.replaceSync === 'function') {
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(EMBED_CSS);
    }
    root.adoptedStyleSheets = [sheet];
  } else {
    const style = document.createElement('style');
    style.textContent = EMBED_CSS;
    root.append(style);
  }
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string) {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Replaces one `<pre data-run>` with a runnable snippet in a shadow root. */
function upgrade(pre: HTMLElement): void {
  const language = pre.dataset.run ?? '';
  const version = pre.dataset.version;
  const host = document.createElement('div');
  host.dataset.runSnippet = language;
  const root = host.attachShadow({ mode: 'open' });
  adoptStyles(root);
  const box = el('div', 'box');
  const bar = el('div', 'bar');
  const label = el('span', 'lang', language + (version ? ` ${version}` : ''));
  const status = el('span', 'status');
  status.setAttribute('role', 'status');
  const run = el('button', 'run', 'Run');
  run.type = 'button';
  run.setAttribute('aria-label', `Run this ${language} snippet`);
  bar.append(label, status, run);
  const code = el('textarea', 'code');
  code.value = pre.textContent.replace(/^\n/, '').replace(/\s+$/, '') + '\n';
  code.rows = Math.min(20, Math.max(2, code.value.split('\n').length));
  code.spellcheck = false;
  code.setAttribute('aria-label', `${language} code`);
  const out = el('pre', 'out');
  out.tabIndex = 0;
  out.setAttribute('aria-label', 'Output');
  out.setAttribute('aria-live', 'polite');
  box.append(bar, code, out);
  root.append(box);

  const append = (text: string, className: string) => {
    if (text === '') return;
    const span = el('span', className, text);
    out.append(span);
  };
  const execute = async () => {
    run.disabled = true;
    out.replaceChildren();
    status.className = 'status';
    status.textContent = 'Running…';
    const active = startRun(
      { language, ...(version ? { version } : {}), code: code.value },
      { onStdout: (d) => append(d, 'stdout'), onStderr: (d) => append(d, 'stderr') },
    );
    try {
      const line = describeResult(await active.result);
      status.className = `status ${line.tone}`;
      status.textContent = line.text;
    } catch (error) {
      status.className = 'status error';
      status.textContent =
        error instanceof ApiError
          ? describeApiError(error).title
          : 'The code runner could not be reached.';
    } finally {
      run.disabled = false;
    }
  };
  run.addEventListener('click', () => void execute());
  code.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void execute();
    }
  });
  pre.replaceWith(host);
}

function upgradeAll(): void {
  document.querySelectorAll<HTMLElement>('pre[data-run]').forEach(upgrade);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', upgradeAll);
else upgradeAll();
