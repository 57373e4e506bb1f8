import type { ProgramInput, ProgramOutput } from './fake-piston-server.js';

/** Programs the fake Piston runs by their source: what each prints for its stdin and args. */
export function runProgram({ program, stdin, args }: ProgramInput): ProgramOutput | undefined {
  // Whatever line ending the file has (or none).
  if (program.trimEnd() === 'interleaved') return INTERLEAVED;
  switch (program) {
    case 'echo':
      return { stdout: stdin };
    case 'sum':
      return { stdout: `${stdin.split(/\s+/).reduce((a, b) => a + Number(b || 0), 0)}\n` };
    case 'args':
      return { stdout: `${args.join(' ')}\r\n` };
    case 'fails on 2':
      return stdin.trim() === '2'
        ? { stdout: '', stderr: 'boom\n', code: 1 }
        : { stdout: stdin, stderr: 'log\n' };
    default:
      return undefined;
  }
}

/**
 * What `interleaved` prints: Piston's `output` keeps the order the program wrote in, stdout and
 * stderr do not; it exits 1.
 */
const INTERLEAVED: ProgramOutput = {
  stdout: 'out 1\nout 2\n',
  stderr: 'err 1\n',
  output: 'out 1\nerr 1\nout 2\n',
  code: 1,
};
