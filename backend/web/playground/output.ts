import { describeApiError, formatWait, type ApiError } from '../shared/api-error.js';
import { describeResult } from '../shared/status.js';
import type { RunResult } from '../shared/types.js';

/** The output pane: program output (stderr apart), the status line and error messages. */
export interface OutputPane {
  clear(): void;
  stdout(text: string): void;
  stderr(text: string): void;
  echo(text: string): void;
  status(text: string, tone?: string): void;
  result(result: RunResult): void;
  error(error: ApiError): void;
  /** A plain message in the error box (network failures). */
  message(text: string): void;
}

const byId = (id: string) => document.getElementById(id) as HTMLElement;

/** Builds the output pane over the page's elements. */
export function createOutputPane(): OutputPane {
  const output = byId('output');
  const status = byId('status');
  const errorBox = byId('error');
  let countdown: ReturnType<typeof setInterval> | undefined;
  const append = (text: string, className?: string) => {
    if (text === '') return;
    const last = output.lastElementChild;
    if (last instanceof HTMLSpanElement && last.className === (className ?? 'stdout')) {
      last.append(text);
    } else {
      const span = document.createElement('span');
      span.className = className ?? 'stdout';
      span.textContent = text;
      output.append(span);
    }
    output.scrollTop = output.scrollHeight;
  };
  const setStatus = (text: string, tone = '') => {
    status.textContent = text;
    status.dataset.tone = tone;
  };
  const showError = (title: string, details: readonly string[]) => {
    errorBox.replaceChildren();
    const heading = document.createElement('p');
    heading.textContent = title;
    errorBox.append(heading);
    if (details.length) {
      const list = document.createElement('ul');
      for (const detail of details) {
        const item = document.createElement('li');
        item.textContent = detail;
        list.append(item);
      }
      errorBox.append(list);
    }
    errorBox.hidden = false;
  };
  return {
    clear() {
      output.replaceChildren();
      errorBox.hidden = true;
      clearInterval(countdown);
    },
    stdout: (text) => append(text),
    stderr: (text) => append(text, 'stderr'),
    echo: (text) => append(text, 'echo'),
    status: setStatus,
    result(result) {
      const line = describeResult(result);
      setStatus(line.text, line.tone);
    },
    error(error) {
      const { title, details } = describeApiError(error);
      showError(title, details);
      setStatus(error.status === 429 ? 'Rate limited' : 'Not run', 'error');
      const wait = error.retryAfterSeconds;
      if (error.status === 429 && wait !== undefined) {
        // Count the wait down in place, so people see when they may run again.
        const until = Date.now() + wait * 1000;
        const heading = errorBox.firstElementChild;
        countdown = setInterval(() => {
          const left = Math.max(0, Math.ceil((until - Date.now()) / 1000));
          if (heading)
            heading.textContent =
              left > 0
                ? `Too many runs for now. Try again in ${formatWait(left)}.`
                : 'You can run again now.';
          if (left === 0) clearInterval(countdown);
        }, 1000);
      }
    },
    message(text) {
      showError(text, []);
      setStatus('Not run', 'error');
    },
  };
}
