import { renderOperation, type Operation } from './operation-view.js';
import type { Schema } from './schema-view.js';

/** The parts of an OpenAPI 3.1 document the page renders. */
interface OpenApiDocument {
  openapi?: string;
  info?: { title?: string; version?: string; description?: string };
  paths?: Record<string, Record<string, Operation | undefined>>;
  components?: { schemas?: Record<string, Schema> };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const root = document.getElementById('reference') as HTMLElement;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string) {
  const el = document.createElement(tag);
  if (text !== undefined) el.textContent = text;
  if (className) el.className = className;
  return el;
}

/** Paragraphs of a description (plain text: blank lines split paragraphs). */
export function paragraphs(text: string | undefined): HTMLElement[] {
  return (text ?? '')
    .split(/\n{2,}/)
    .filter((p) => p.trim() !== '')
    .map((p) => element('p', p.trim()));
}

function render(doc: OpenApiDocument): void {
  const schemas = doc.components?.schemas ?? {};
  const resolve = (ref: string) => schemas[ref.replace('#/components/schemas/', '')];
  const header = element('header', undefined, 'doc-header');
  header.append(
    element('h1', doc.info?.title ?? 'API reference'),
    element('p', `Version ${doc.info?.version ?? '?'} · OpenAPI ${doc.openapi ?? '?'} · `, 'hint'),
    ...paragraphs(doc.info?.description),
  );
  const raw = element('a', 'openapi.json');
  raw.href = '/openapi.json';
  header.querySelector('.hint')?.append(raw);

  const toc = element('nav', undefined, 'toc');
  toc.setAttribute('aria-label', 'Operations');
  const tocList = element('ul');
  toc.append(element('h2', 'Operations'), tocList);
  const operations = element('div', undefined, 'operations');
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const id = `op-${method}-${path.replace(/[^a-zA-Z0-9]+/g, '-')}`;
      const link = element('a', `${method.toUpperCase()} ${path}`);
      link.href = `#${id}`;
      const entry = element('li');
      entry.append(link);
      tocList.append(entry);
      operations.append(renderOperation({ id, method, path, operation, resolve }));
    }
  }
  root.replaceChildren(header, toc, operations);
  root.removeAttribute('aria-busy');
  if (location.hash) document.getElementById(location.hash.slice(1))?.scrollIntoView();
}

function fail(message: string): void {
  root.replaceChildren(element('h1', 'API reference'), element('p', message, 'notice'));
  root.removeAttribute('aria-busy');
}

fetch('/openapi.json', { headers: { Accept: 'application/json' } })
  .then(async (response) => {
    if (response.status === 404) {
      fail(
        'This gateway does not publish an OpenAPI document (GET /openapi.json answered 404). The README lists the endpoints.',
      );
      return;
    }
    if (!response.ok) {
      fail(
        `The OpenAPI document could not be loaded (HTTP ${response.status}). Reload to try again.`,
      );
      return;
    }
    render((await response.json()) as OpenApiDocument);
  })
  .catch(() => fail('The OpenAPI document could not be loaded. Check the connection and reload.'));
