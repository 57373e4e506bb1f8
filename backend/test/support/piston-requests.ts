import type { PistonExecuteRequest } from '../../src/piston/piston-schemas.js';

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
