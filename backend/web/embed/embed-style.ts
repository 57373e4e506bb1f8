/** The snippet's styles, inside its shadow root: the host page's CSS does not reach in or out. */
export const EMBED_CSS = `
:host { display: block; margin: 1em 0; color-scheme: light dark; --bg: #f6f8fa; --fg: #1b1f27; --border: #d0d7de; --accent: #2456c7; --accent-fg: #fff; --err: #b3261e; --ok: #1d6b35; --muted: #4f5868; }
@media (prefers-color-scheme: dark) { :host { --bg: #161a22; --fg: #e6e8ee; --border: #2f3644; --accent: #8ab4ff; --accent-fg: #0b1020; --err: #ff9b93; --ok: #7fd69a; --muted: #a9b1c1; } }
.box { border: 1px solid var(--border); border-radius: 8px; background: var(--bg); color: var(--fg); font: 14px/1.5 system-ui, sans-serif; overflow: hidden; }
.bar { display: flex; align-items: center; gap: 8px; padding: 6px 8px; border-bottom: 1px solid var(--border); }
.lang { font-weight: 600; color: var(--muted); margin-right: auto; }
button { font: inherit; padding: 3px 12px; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: var(--accent-fg); cursor: pointer; }
button:disabled { opacity: .6; cursor: not-allowed; }
button:focus-visible, textarea:focus-visible, pre:focus-visible { outline: 3px solid var(--accent); outline-offset: 1px; }
textarea { display: block; width: 100%; box-sizing: border-box; border: 0; margin: 0; padding: 8px 10px; resize: vertical; background: transparent; color: inherit; font: 13px/1.5 ui-monospace, Menlo, Consolas, monospace; tab-size: 4; }
.out { margin: 0; padding: 8px 10px; border-top: 1px solid var(--border); white-space: pre-wrap; word-break: break-word; font: 13px/1.5 ui-monospace, Menlo, Consolas, monospace; max-height: 320px; overflow: auto; }
.out:empty { display: none; }
.stderr { color: var(--err); }
.status { font-size: 12px; color: var(--muted); }
.status.ok { color: var(--ok); }
.status.error { color: var(--err); }
`;
