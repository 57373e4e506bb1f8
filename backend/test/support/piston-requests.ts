import type { PistonExecuteRequest, PistonStage } from '../../src/piston/piston-schemas.js';

/** A complete Piston execute request for the recorded Python hello world, with Piston's limits. */
export const PYTHON_HELLO_REQUEST: PistonExecuteRequest = {
  language: 'python',
  version: '3.11.2',
  files: [{ name: 'main.py', content: 'print("Hello, World!")' }],
  stdin: '',
  args: [],
  compile_timeout: 10_000,
  run_timeout: 3000,
  compile_cpu_time: 10_000,
  run_cpu_time: 3000,
  compile_memory_limit: -1,
  run_memory_limit: -1,
};

/** A Piston stage that exited 0 with no output and no status, changed by `overrides`. */
export function pistonStage(overrides: Partial<PistonStage> = {}): PistonStage {
  return { stdout: '', stderr: '', code: 0, signal: null, status: null, ...overrides };
}
