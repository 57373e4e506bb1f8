import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// The test workers run without --expose-gc; the flag set now gives new contexts a `gc`.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** V8 heap in use after full garbage collections: what the process still references. */
export function heapUsedAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}
