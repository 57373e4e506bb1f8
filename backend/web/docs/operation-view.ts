import { renderSchema, typeLabel, type Resolve, type Schema } from './schema-view.js';

interface MediaType {
  schema?: Schema;
  example?: unknown;
  examples?: Record<string, { summary?: string; value?: unknown }>;
}

/** One OpenAPI operation, the parts the page shows. */
export interface Operation {
  summary?: string;
  description?: string;
  parameters?: {
    name: string;
    in: string;
    required?: boolean;
    description?: string;
    schema?: Schema;
  }[];
  requestBody?: { description?: string; required?: boolean; content?: Record<string, MediaType> };
  responses?: Record<
    string,
    {
      description?: string;
      content?: Record<string, MediaType>;
      headers?: Record<string, { description?: string }>;
    }
  >;
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string) {
  const el = document.createElement(tag);
  if (text !== undefined) el.textContent = text;
  if (className) el.className = className;
  return el;
}

/** The first example of a media type, whichever way the document gives it. */
function firstExample(media: MediaType | undefined): unknown {
  if (!media) return undefined;
  if (media.example !== undefined) return media.example;
  return Object.values(media.examples ?? {})[0]?.value;
}

function codeBlock(value: unknown): HTMLElement {
  const pre = element('pre', undefined, 'code');
  pre.tabIndex = 0;
  pre.textContent = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  return pre;
}

/** An operation: heading, description, parameters, body, responses, and a try-it form. */
export function renderOperation(options: {
  id: string;
  method: string;
  path: string;
  operation: Operation;
  resolve: Resolve;
}): HTMLElement {
  const { id, method, path, operation, resolve } = options;
  const section = element('section', undefined, 'operation');
  section.id = id;
  const heading = element('h2');
  heading.append(
    element('span', method.toUpperCase(), `method ${method}`),
    ' ',
    element('code', path),
  );
  section.append(heading);
  if (operation.summary) section.append(element('p', operation.summary, 'summary'));
  if (operation.description) section.append(element('p', operation.description));

  if (operation.parameters?.length) {
    section.append(element('h3', 'Parameters'));
    const table = element('table');
    const head = table.createTHead().insertRow();
    for (const title of ['Name', 'In', 'Type', 'Description']) {
      const th = element('th', title);
      th.scope = 'col';
      head.append(th);
    }
    const body = table.createTBody();
    for (const p of operation.parameters) {
      const row = body.insertRow();
      row.insertCell().append(element('code', p.name), p.required ? ' (required)' : '');
      row.insertCell().textContent = p.in;
      row.insertCell().textContent = p.schema ? typeLabel(p.schema, resolve) : '';
      row.insertCell().textContent = p.description ?? '';
    }
    section.append(table);
  }

  const json = operation.requestBody?.content?.['application/json'];
  if (operation.requestBody) {
    section.append(element('h3', 'Request body'));
    if (operation.requestBody.description)
      section.append(element('p', operation.requestBody.description));
    for (const [type, media] of Object.entries(operation.requestBody.content ?? {})) {
      section.append(element('p', type, 'media-type'));
      if (media.schema) section.append(renderSchema(media.schema, resolve));
    }
  }

  section.append(element('h3', 'Responses'));
  const responses = element('dl', undefined, 'responses');
  for (const [status, response] of Object.entries(operation.responses ?? {})) {
    const term = element('dt');
    term.append(
      element('span', status, `status s${status.charAt(0)}`),
      ` ${response.description ?? ''}`,
    );
    const detail = element('dd');
    const headers = Object.keys(response.headers ?? {});
    if (headers.length) detail.append(element('p', `Headers: ${headers.join(', ')}`, 'hint'));
    const media =
      response.content?.['application/json'] ?? Object.values(response.content ?? {})[0];
    if (media?.schema) detail.append(renderSchema(media.schema, resolve));
    const example = firstExample(media);
    if (example !== undefined) {
      const more = element('details');
      more.append(element('summary', 'Example'), codeBlock(example));
      detail.append(more);
    }
    responses.append(term, detail);
  }
  section.append(responses);
  if (!path.includes('{') && (method === 'get' || json))
    section.append(tryIt(id, method, path, firstExample(json)));
  return section;
}

/** A form that sends the operation to this gateway and shows the answer. */
function tryIt(id: string, method: string, path: string, example: unknown): HTMLElement {
  const box = element('details', undefined, 'try');
  box.append(element('summary', 'Try it'));
  const form = element('form');
  let body: HTMLTextAreaElement | undefined;
  if (method !== 'get') {
    const label = element('label', 'Request body (JSON)');
    label.htmlFor = `${id}-body`;
    body = element('textarea');
    body.id = `${id}-body`;
    body.rows = 8;
    body.spellcheck = false;
    body.value = example === undefined ? '{}' : JSON.stringify(example, null, 2);
    form.append(label, body);
  }
  const send = element('button', `Send ${method.toUpperCase()} ${path}`);
  send.type = 'submit';
  const answer = element('pre', undefined, 'code answer');
  answer.tabIndex = 0;
  answer.setAttribute('aria-live', 'polite');
  answer.hidden = true;
  form.append(send, answer);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    answer.hidden = false;
    answer.textContent = 'Sending…';
    const init: RequestInit = { method: method.toUpperCase() };
    if (body) {
      init.headers = { 'Content-Type': 'application/json' };
      init.body = body.value;
    }
    fetch(path, init)
      .then(async (response) => {
        const text = await response.text();
        let shown = text;
        try {
          shown = JSON.stringify(JSON.parse(text), null, 2);
        } catch {
          // Not JSON: shown as it came.
        }
        answer.textContent = `HTTP ${response.status}\n\n${shown}`;
      })
      .catch(() => (answer.textContent = 'The request failed (network error).'));
  });
  box.append(form);
  return box;
}
