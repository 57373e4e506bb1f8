import type { z } from 'zod';
import { BadRequestError, type ErrorDetail } from '../errors.js';

/** Parses a request body with a zod schema; a failure is a 400 invalid_request listing every bad field. */
export function parseBody<B extends z.ZodType>(schema: B, body: unknown): z.infer<B> {
  const result = schema.safeParse(body, { error: describeIssue });
  if (!result.success) {
    throw new BadRequestError('invalid_request', 'The request body is invalid', {
      details: zodIssuesToDetails(result.error.issues),
    });
  }
  return result.data;
}

/**
 * The most `details` entries one error lists: a body with thousands of unknown keys would
 * otherwise be answered with a list several times its own size.
 */
export const MAX_DETAILS = 20;

/**
 * Turns zod issues into `details` entries naming each bad field: the first MAX_DETAILS, then
 * one entry (without a field) saying how many more there are.
 */
export function zodIssuesToDetails(issues: readonly z.core.$ZodIssue[]): ErrorDetail[] {
  const details = issues.flatMap(issueToDetails);
  if (details.length <= MAX_DETAILS) return details;
  const more = details.length - MAX_DETAILS;
  return [
    ...details.slice(0, MAX_DETAILS),
    { message: `and ${more} more ${more === 1 ? 'problem' : 'problems'} not listed` },
  ];
}

/** One entry per bad field; an object with unknown keys gives one entry per key. */
function issueToDetails(issue: z.core.$ZodIssue): ErrorDetail[] {
  const field = issue.path.map(String).join('.') || 'body';
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      field: field === 'body' ? key : `${field}.${key}`,
      message: 'is not a recognised field',
    }));
  }
  return [{ field, message: issue.message }];
}

const UNITS: Partial<Record<string, [one: string, many: string]>> = {
  string: ['character', 'characters'],
  array: ['item', 'items'],
};

/**
 * Zod's default messages ("Invalid input: expected string, received number", "Too big: expected
 * array to have <=64 items") in the same words as the schemas' own ("must ...", "is required").
 * Messages a schema sets itself win over these; anything not covered keeps zod's wording.
 */
export function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type') {
    return issue.input === undefined
      ? 'is required'
      : `must be ${withArticle(issue.expected)}, not ${withArticle(typeName(issue.input))}`;
  }
  if (issue.code === 'too_small' || issue.code === 'too_big') return describeBound(issue);
  if (issue.code === 'invalid_value') {
    return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
  }
  return undefined;
}

function describeBound(
  issue: z.core.$ZodRawIssue<z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig>,
): string | undefined {
  const small = issue.code === 'too_small';
  const bound = Number(small ? issue.minimum : issue.maximum);
  if (small && bound === 1 && issue.origin !== 'number') return 'must not be empty';
  const units = UNITS[issue.origin];
  if (units) {
    const noun = bound === 1 ? units[0] : units[1];
    return `must have at ${small ? 'least' : 'most'} ${bound} ${noun}`;
  }
  if (issue.origin !== 'number') return undefined;
  if (issue.inclusive === false) return `must be ${small ? 'greater' : 'less'} than ${bound}`;
  return `must be at ${small ? 'least' : 'most'} ${bound}`;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function withArticle(type: string): string {
  if (type === 'null' || type === 'undefined') return type;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
