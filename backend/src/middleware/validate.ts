import type { RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { BadRequestError, type ErrorDetail } from '../errors.js';

const VALIDATED = 'validatedBody';

interface Validator<B extends z.ZodType> extends RequestHandler {
  /** The parsed body stored by this validator for the current request. */
  body(res: Response): z.infer<B>;
}

/**
 * Parses the request body with a zod schema and stores the typed result; handlers read it with
 * `validator.body(res)`. A failure is a 400 invalid_request listing every bad field.
 *
 * @example
 * const validateExecute = validate({ body: ExecuteRequestSchema });
 * router.post('/', validateExecute, (req, res) => run(validateExecute.body(res)));
 */
export function validate<B extends z.ZodType>(schemas: { body: B }): Validator<B> {
  const middleware: RequestHandler = function validateMiddleware(req, res, next) {
    const result = schemas.body.safeParse(req.body);
    if (!result.success) {
      throw new BadRequestError('invalid_request', 'The request body is invalid', {
        details: zodIssuesToDetails(result.error.issues),
      });
    }
    res.locals[VALIDATED] = result.data;
    next();
  };
  return Object.assign(middleware, {
    body: (res: Response) => res.locals[VALIDATED] as z.infer<B>,
  });
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
