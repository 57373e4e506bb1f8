import { basicSetup, EditorView } from 'codemirror';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { Compartment, Prec } from '@codemirror/state';
import { keymap } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import type { Extension } from '@codemirror/state';

/** The editor, with what the page changes in it. */
export interface CodeEditor {
  view: EditorView;
  getCode(): string;
  setCode(code: string): void;
  setMode(mode: Extension): void;
}

const DARK_HIGHLIGHT = HighlightStyle.define([
  { tag: tags.keyword, color: '#c792ea' },
  { tag: [tags.string, tags.special(tags.string)], color: '#c3e88d' },
  { tag: tags.comment, color: '#8b93a7', fontStyle: 'italic' },
  { tag: [tags.number, tags.bool, tags.null], color: '#f78c6c' },
  { tag: [tags.function(tags.variableName), tags.function(tags.propertyName)], color: '#82aaff' },
  { tag: [tags.typeName, tags.className], color: '#ffcb6b' },
  { tag: tags.operator, color: '#89ddff' },
]);

const DARK = [
  EditorView.theme(
    {
      '&': { color: '#e6e8ee', backgroundColor: '#161a22' },
      '.cm-gutters': { backgroundColor: '#161a22', color: '#8b93a7', border: 'none' },
      '.cm-activeLine, .cm-activeLineGutter': { backgroundColor: '#1f2430' },
      '&.cm-focused .cm-cursor': { borderLeftColor: '#e6e8ee' },
      '&.cm-focused .cm-selectionBackground, .cm-selectionBackground': {
        backgroundColor: '#2c3a5a !important',
      },
    },
    { dark: true },
  ),
  syntaxHighlighting(DARK_HIGHLIGHT),
];

/**
 * CodeMirror 6 in `parent`: the basic setup, Ctrl/Cmd+Enter to run, and the system's light or
 * dark theme (followed live). Its theme `<style>` elements carry the page's CSP nonce.
 */
export function createEditor(
  parent: HTMLElement,
  options: { nonce: string; onRun(): void; label: string },
): CodeEditor {
  const mode = new Compartment();
  const theme = new Compartment();
  const dark = matchMedia('(prefers-color-scheme: dark)');
  const view = new EditorView({
    parent,
    extensions: [
      Prec.highest(keymap.of([{ key: 'Mod-Enter', run: () => (options.onRun(), true) }])),
      basicSetup,
      EditorView.cspNonce.of(options.nonce),
      EditorView.contentAttributes.of({ 'aria-label': options.label }),
      mode.of([]),
      theme.of(dark.matches ? DARK : []),
    ],
  });
  dark.addEventListener('change', () => {
    view.dispatch({ effects: theme.reconfigure(dark.matches ? DARK : []) });
  });
  return {
    view,
    getCode: () => view.state.doc.toString(),
    setCode(code) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: code } });
    },
    setMode(extension) {
      view.dispatch({ effects: mode.reconfigure(extension) });
    },
  };
}
