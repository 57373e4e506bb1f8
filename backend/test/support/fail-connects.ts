import http from 'node:http';
import { vi } from 'vitest';

/**
 * Makes every new connection to `port` fail as a process out of file descriptors does (EMFILE,
 * or the given code), without exhausting anything real: Node's agents open connections through
 * `Agent.prototype.createConnection`. Connections already open are unaffected.
 *
 * @example const restore = failConnectsTo(port, 'EMFILE'); try { ... } finally { restore(); }
 */
export function failConnectsTo(port: number, code = 'EMFILE'): () => void {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the agent as `this`
  const original = http.Agent.prototype.createConnection;
  const spy = vi
    .spyOn(http.Agent.prototype, 'createConnection')
    .mockImplementation(function createConnection(this: http.Agent, options, callback) {
      if (Number(options.port) !== port) return original.call(this, options, callback);
      const error = Object.assign(new Error(`connect ${code} 127.0.0.1:${port}`), {
        code,
        syscall: 'connect',
      });
      callback?.(error, undefined as never);
      return undefined;
    });
  return () => {
    spy.mockRestore();
  };
}
