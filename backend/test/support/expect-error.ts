import type request from 'supertest';
import { expect } from 'vitest';
import { ErrorResponseSchema } from '../../src/schemas/execute-response.js';

/** Asserts a JSON error answer in the gateway's shape, with its status, code and request id. */
export function expectError(res: request.Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/application\/json/);
  expect(ErrorResponseSchema.safeParse(res.body).success).toBe(true);
  expect(res.body.code).toBe(code);
  expect(res.body.requestId).toBe(res.headers['x-request-id']);
}
