/** Parses JSON text from another server; undefined when it is not JSON (the caller's zod schema then says what is wrong). */
export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
