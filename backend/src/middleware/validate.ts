import type { z } from 'zod';
import { BadRequestError, type ErrorDetail } from '../errors.js';

/** Parses a request body with a zod schema; a failure is a 400 invalid_request listing every bad field. */
export function parseBody<B extends z.ZodType>(schema: B, body: unknown): z.infer<B> {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new BadRequestError('invalid_request', 'The request body is invalid', {
      details: zodIssuesToDetails(result.error.issues),
    });
  }
  return result.data;
}

/** Turns zod issues into `details` entries naming each bad field. */
export function zodIssuesToDetails(issues: readonly z.core.$ZodIssue[]): ErrorDetail[] {
  return issues.flatMap((issue): ErrorDetail[] => {
    const field = issue.path.map(String).join('.') || 'body';
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: field === 'body' ? key : `${field}.${key}`,
        message: 'is not a recognised field',
      }));
    }
    return [{ field, message: issue.message }];
  });
}
