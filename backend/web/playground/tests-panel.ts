import { isTestsResult, type RunRequest, type RunResult } from '../shared/types.js';

type TestCase = NonNullable<RunRequest['tests']>[number];

const byId = (id: string) => document.getElementById(id) as HTMLElement;

/** The test-case editor (input and expected output per case) and the verdict table. */
export function createTestsPanel() {
  const list = byId('tests');
  const verdicts = byId('verdicts');
  let counter = 0;

  const add = (test: Partial<TestCase> = {}) => {
    counter += 1;
    const item = document.createElement('li');
    item.className = 'test';
    const field = (label: string, role: string, value: string) => {
      const id = `test-${counter}-${role}`;
      const wrap = document.createElement('div');
      const labelEl = document.createElement('label');
      labelEl.htmlFor = id;
      labelEl.textContent = label;
      const area = document.createElement('textarea');
      area.id = id;
      area.rows = 2;
      area.spellcheck = false;
      area.dataset.role = role;
      area.value = value;
      wrap.append(labelEl, area);
      return wrap;
    };
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = 'Remove';
    remove.setAttribute('aria-label', `Remove test case ${counter}`);
    remove.addEventListener('click', () => item.remove());
    item.append(
      field(`Input of case ${counter}`, 'stdin', test.stdin ?? ''),
      field(`Expected output of case ${counter}`, 'expected', test.expectedOutput ?? ''),
      remove,
    );
    list.append(item);
  };
  byId('add-test').addEventListener('click', () => add());

  return {
    /** The cases as the API takes them (none when the list is empty). */
    cases(): TestCase[] {
      return [...list.querySelectorAll('li')].map((item, index) => ({
        name: `case ${index + 1}`,
        stdin: item.querySelector<HTMLTextAreaElement>('[data-role="stdin"]')?.value ?? '',
        expectedOutput:
          item.querySelector<HTMLTextAreaElement>('[data-role="expected"]')?.value ?? '',
      }));
    },
    clear() {
      verdicts.hidden = true;
      verdicts.replaceChildren();
    },
    /** Shows the verdict of every case when the answer has them. */
    show(result: RunResult) {
      if (!isTestsResult(result)) return;
      const summary = document.createElement('p');
      summary.className = `verdict ${result.verdict === 'accepted' ? 'ok' : 'error'}`;
      summary.textContent = `${result.verdict.replace(/_/g, ' ')}: ${result.passed} of ${result.total} passed`;
      const table = document.createElement('table');
      const head = table.createTHead().insertRow();
      for (const title of ['Case', 'Verdict', 'Output', 'Expected']) {
        const th = document.createElement('th');
        th.scope = 'col';
        th.textContent = title;
        head.append(th);
      }
      const body = table.createTBody();
      for (const test of result.tests) {
        const row = body.insertRow();
        row.className = test.verdict === 'accepted' ? 'ok' : 'error';
        for (const text of [
          test.name,
          test.verdict.replace(/_/g, ' '),
          test.output ?? '—',
          test.expectedOutput ?? '—',
        ]) {
          row.insertCell().textContent = text;
        }
      }
      verdicts.replaceChildren(summary, table);
      verdicts.hidden = false;
    },
  };
}
