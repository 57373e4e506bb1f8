import { randomBytes } from 'node:crypto';

/** The pages the gateway serves to browsers. */
export type PageName = 'playground' | 'docs';

/** A fresh nonce for one response's CSP (128 random bits, RFC 4648 base64). */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The Content-Security-Policy of the pages: everything from the gateway's own origin, no inline
 * script at all, and inline styles only with this response's nonce. CodeMirror adds its theme as
 * `<style>` elements, which carry the nonce through its `EditorView.cspNonce` facet; the page
 * reads it from the `csp-nonce` meta element. `connect-src 'self'` covers the same-origin
 * WebSocket (CSP Level 3 matches ws: and wss: for 'self').
 */
export function pageCsp(nonce: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

const HEAD = (title: string, name: PageName, nonce: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="csp-nonce" nonce="${nonce}">
<title>${title}</title>
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/${name}.css">
<script type="module" src="/assets/${name}.js"></script>
</head>`;

const NAV = (current: PageName) => `<header class="top">
<a class="brand" href="/">Code execution gateway</a>
<nav aria-label="Site"><a href="/"${current === 'playground' ? ' aria-current="page"' : ''}>Playground</a>
<a href="/docs"${current === 'docs' ? ' aria-current="page"' : ''}>API reference</a></nav>
</header>`;

const PLAYGROUND_BODY = `<main id="main" class="playground">
<h1 class="visually-hidden">Playground</h1>
<div class="toolbar" role="toolbar" aria-label="Program">
<label for="language">Language</label>
<select id="language" disabled><option>Loading languages…</option></select>
<button id="run" type="button" class="primary" disabled aria-keyshortcuts="Control+Enter Meta+Enter">Run <kbd>Ctrl+Enter</kbd></button>
<button id="stop" type="button" disabled>Stop</button>
<button id="share" type="button">Share</button>
<span id="share-status" class="hint" role="status"></span>
</div>
<div class="panes">
<section class="pane editor-pane" aria-labelledby="editor-label">
<h2 id="editor-label" class="pane-title">Code</h2>
<div id="editor" class="editor"></div>
<details class="io">
<summary>Input and arguments</summary>
<label for="stdin">Standard input</label>
<textarea id="stdin" rows="3" spellcheck="false"></textarea>
<label for="args">Arguments (one per line)</label>
<textarea id="args" rows="2" spellcheck="false"></textarea>
</details>
<details class="io" id="tests-section">
<summary>Test cases</summary>
<p class="hint">Each case runs the program with its input and compares the output (servers with test-case support).</p>
<ol id="tests" class="tests"></ol>
<button id="add-test" type="button">Add a test case</button>
</details>
<details class="io" id="key-section">
<summary>API key</summary>
<label for="api-key">API key (servers that require one; kept in this tab only)</label>
<input id="api-key" type="password" autocomplete="off" spellcheck="false">
</details>
</section>
<section class="pane output-pane" aria-labelledby="output-label">
<h2 id="output-label" class="pane-title">Output</h2>
<p id="status" class="status" role="status" aria-live="polite">Ready.</p>
<div id="error" class="error" role="alert" hidden></div>
<pre id="output" class="output" tabindex="0" aria-label="Program output"></pre>
<form id="input-form" class="input-line" hidden>
<label for="input-line">Send input</label>
<input id="input-line" autocomplete="off" spellcheck="false">
<button type="submit">Send</button>
</form>
<div id="verdicts" class="verdicts" hidden></div>
</section>
</div>
</main>`;

const DOCS_BODY = `<main id="main" class="docs">
<div id="reference" aria-busy="true"><p>Loading the API reference…</p></div>
</main>`;

/** The HTML of a page, with the nonce of its response. */
export function renderPage(name: PageName, nonce: string): string {
  const title =
    name === 'playground'
      ? 'Playground · Code execution gateway'
      : 'API reference · Code execution gateway';
  const body = name === 'playground' ? PLAYGROUND_BODY : DOCS_BODY;
  return `${HEAD(title, name, nonce)}\n<body>\n<a class="skip" href="#main">Skip to content</a>\n${NAV(name)}\n${body}\n</body>\n</html>\n`;
}
