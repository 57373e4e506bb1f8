/**
 * Types for the npm package `piston-client` 1.0.2 (plain JavaScript, no types of its own), as
 * much of it as the tests use. Read from its index.js: every call resolves, failures included
 * (`{ success: false, error }`).
 */
declare module 'piston-client' {
  interface PistonClientOptions {
    server?: string;
  }
  interface PistonClient {
    runtimes(): Promise<unknown>;
    execute(language: string, code: string, config?: Record<string, unknown>): Promise<unknown>;
    execute(config: Record<string, unknown>): Promise<unknown>;
  }
  export function piston(options?: PistonClientOptions): PistonClient;
}
