import { isTestsResult, type RunResult, type TestsResponse } from './types.js';

/** A run's outcome for the status line: a tone for its colour and a sentence. */
export interface StatusLine {
  tone: 'ok' | 'error' | 'warn';
  text: string;
}

/** `ok · 12 ms · 8.1 MB`, `Runtime error (exit code 1) · ...`, `Time limit exceeded`, ... */
export function describeResult(result: RunResult): StatusLine {
  if (isTestsResult(result)) {
    const verdict = result.verdict.replace(/_/g, ' ');
    return {
      tone: result.verdict === 'accepted' ? 'ok' : 'error',
      text: `${verdict[0]?.toUpperCase() ?? ''}${verdict.slice(1)} · ${result.passed} of ${result.total} passed`,
    };
  }
  const stage = result.status === 'compile_error' ? result.compile : result.run;
  const facts = [
    stage?.wallTimeMs != null ? `${Math.round(stage.wallTimeMs)} ms` : '',
    stage?.memoryBytes != null ? formatBytes(stage.memoryBytes) : '',
    result.truncated ? 'output truncated' : '',
  ].filter((fact) => fact !== '');
  const [tone, outcome] = outcomeOf(result);
  return { tone, text: [outcome, ...facts].join(' · ') };
}

function outcomeOf(result: Exclude<RunResult, TestsResponse>): [StatusLine['tone'], string] {
  switch (result.status) {
    case 'ok':
      return ['ok', 'OK'];
    case 'compile_error':
      return ['error', 'Compile error'];
    case 'runtime_error':
      return [
        'error',
        result.signal
          ? `Runtime error (signal ${result.signal})`
          : `Runtime error (exit code ${result.exitCode ?? '?'})`,
      ];
    case 'timeout':
      return ['warn', 'Time limit exceeded'];
    case 'output_limit':
      return ['warn', 'Output limit exceeded'];
    case 'killed':
      return ['warn', 'Stopped'];
    case 'internal_error':
      return ['error', `Internal error${result.error ? `: ${result.error}` : ''}`];
  }
}

/** `812 B`, `8.1 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
