import request from 'supertest';
import { expect } from 'vitest';
import { PistonCompatErrorSchema } from '../../src/compat/piston/piston-response.js';
import type { TestApp } from './build-test-app.js';

/** Asserts an error in the Piston-compatible API's shape: `{message, code, details?, requestId}`. */
export function expectPistonError(res: request.Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/application\/json/);
  expect(PistonCompatErrorSchema.safeParse(res.body).success).toBe(true);
  expect(res.body.code).toBe(code);
  expect(res.body.requestId).toBe(res.headers['x-request-id']);
}

/** `POST <base>/execute` with a JSON body. */
export const execute = (t: TestApp, body: unknown, base = '/api/v2') =>
  request(t.app)
    .post(`${base}/execute`)
    .set('Content-Type', 'application/json')
    .send(JSON.stringify(body));

let n = 0;
/** A python program Piston has no recorded answer for (each call prints another number). */
export const program = (extra: Record<string, unknown> = {}) => ({
  language: 'python',
  version: '3.11.2',
  files: [{ name: 'main.py', content: `print(${++n})` }],
  ...extra,
});

/** Waits until the fake Piston is running a job. */
export async function waitForJob(t: TestApp): Promise<void> {
  while (t.fake.jobsRunning() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
}
