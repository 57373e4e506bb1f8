import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import {
  AppError,
  BadRequestError,
  ClientGoneError,
  InternalServerError,
  toErrorBody,
  type ErrorBody,
} from '../errors.js';
import { isFailure, setLoggedError } from './observe-requests.js';
import { getRequestId } from './request-id.js';
import { zodIssuesToDetails } from './validate.js';

/** body-parser and http-errors mark their errors with `type`, `status` or `expose`. */
interface HttpLibraryError {
  type?: unknown;
  status?: unknown;
  /** body-parser's byte limit, on entity.too.large. */
  limit?: unknown;
}

/** Writes an error's body; an API with its own error shape (Piston's) passes its own. */
export type ErrorBodyWriter = (error: AppError, requestId?: string) => object;

/**
 * The one error handler, registered last: every error becomes the flat JSON error body with a
 * stable code. 5xx are logged at error level with their cause, on the request's access line
 * (observe-requests); nothing internal reaches a client. An API with its own error shape mounts
 * one more under its path with its own `toBody`; the status, logging and headers stay the same.
 *
 * @example app.use(createErrorHandler(logger));
 */
export function createErrorHandler(
  logger: Logger,
  toBody: ErrorBodyWriter = toErrorBody,
): ErrorRequestHandler {
  return function errorHandler(error: unknown, _req, res, next) {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (error instanceof ClientGoneError) {
      logger.debug({ requestId: getRequestId(res) }, 'client went away during execution');
      res.end();
      return;
    }
    const appError = toAppError(error);
    // Logged with its cause on the request's own access line: one line per failed request.
    if (isFailure(appError.statusCode, appError.code)) setLoggedError(res, appError);
    sendError(res, appError, toBody);
  };
}

const ERROR_WRITER = 'errorWriter';

/**
 * Makes this response's errors use another format than the JSON body (the plain-text routes
 * answer one line of text); status, `Retry-After` and logging stay the error handler's.
 */
export function setErrorWriter(res: Response, writer: (body: ErrorBody) => void): void {
  res.locals[ERROR_WRITER] = writer;
}

/**
 * Answers with an error's status, its `Retry-After` and the JSON error body (or the format
 * setErrorWriter chose). For a route whose
 * error is an expected answer rather than a failure (a readiness probe's "not ready"); everything
 * thrown goes through the error handler, which also decides what to log.
 */
export function sendError(
  res: Response,
  appError: AppError,
  toBody: ErrorBodyWriter = toErrorBody,
): void {
  // For metrics and the access log: which refusal this was (rate limited, overloaded, ...).
  res.locals.errorCode = appError.code;
  if (appError.retryAfterSeconds !== undefined) {
    res.setHeader('Retry-After', String(appError.retryAfterSeconds));
  }
  const writer = res.locals[ERROR_WRITER] as ((body: ErrorBody) => void) | undefined;
  res.status(appError.statusCode);
  if (writer) writer(toErrorBody(appError, getRequestId(res)));
  else res.json(toBody(appError, getRequestId(res)));
}

/** Translates anything thrown into an AppError with a safe message. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof ZodError) {
    return new BadRequestError('invalid_request', 'The request is invalid', {
      details: zodIssuesToDetails(error.issues),
    });
  }
  const { type, status, limit } = (error ?? {}) as HttpLibraryError;
  switch (type) {
    case 'entity.parse.failed':
      return new BadRequestError('invalid_json', 'The request body is not valid JSON');
    case 'entity.too.large':
      return typeof limit === 'number'
        ? new BadRequestError(
            'payload_too_large',
            `The request body is larger than ${limit} bytes`,
            {
              details: [{ field: 'body', message: `the limit is ${limit} bytes`, limit }],
            },
          )
        : new BadRequestError('payload_too_large', 'The request body is too large');
    case 'charset.unsupported':
      return new BadRequestError('unsupported_media_type', 'Send the JSON body as UTF-8');
    case 'encoding.unsupported':
      return new BadRequestError(
        'unsupported_media_type',
        'Send the body uncompressed or with Content-Encoding gzip, deflate or br',
      );
    default:
      break;
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new BadRequestError('invalid_request', 'The request could not be read', {
      cause: error,
    });
  }
  return new InternalServerError('Internal server error', { cause: error });
}
