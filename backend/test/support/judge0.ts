import request from 'supertest';
import type { Express } from 'express';
import { waitFor } from './wait-for.js';

/** The C program of Judge0's documentation examples (reads a name, prints "hello, <name>"). */
export const DOCS_C_PROGRAM =
  '#include <stdio.h>\n\nint main(void) {\n  char name[10];\n  scanf("%s", name);\n  printf("hello, %s\\n", name);\n  return 0;\n}';

/** Polls `GET /judge0/submissions/:token` until the submission left the queue and ran. */
export async function finishedSubmission(
  app: Express,
  token: string,
  query = '',
): Promise<Record<string, unknown>> {
  let body: Record<string, unknown> = {};
  await waitFor(
    async () => {
      const res = await request(app).get(`/judge0/submissions/${token}?fields=*${query}`);
      body = res.body as Record<string, unknown>;
      return (
        (body.status as { id: number } | undefined)?.id !== undefined &&
        (body.status as { id: number }).id > 2
      );
    },
    { timeoutMs: 10_000, message: `submission ${token} did not finish` },
  );
  return body;
}

/** A JSON value's shape: objects by key, arrays by their first element, scalars by type. */
export function shapeOf(value: unknown): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? [] : [shapeOf(value[0])];
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, item]) => [key, shapeOf(item)]),
    );
  }
  return typeof value;
}
