/** Every stable error code a client can receive, with the HTTP status it travels with. */
export const ERROR_STATUS = {
  invalid_json: 400,
  invalid_request: 400,
  unsupported_language: 400,
  unsupported_version: 400,
  unauthorized: 401,
  invalid_api_key: 401,
  api_key_required: 401,
  origin_not_allowed: 403,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  upstream_error: 502,
  upstream_unavailable: 503,
  overloaded: 503,
  queue_full: 503,
  queue_unavailable: 503,
  upstream_timeout: 504,
} as const;

/** A stable, machine-readable error code. */
export type ErrorCode = keyof typeof ERROR_STATUS;

/** One entry of an error response's `details` list. */
export interface ErrorDetail {
  field?: string;
  message: string;
  [extra: string]: unknown;
}

/** The flat JSON body of every error response. */
export interface ErrorBody {
  error: string;
  code: ErrorCode;
  details?: ErrorDetail[];
  requestId?: string;
}

interface AppErrorOptions {
  details?: ErrorDetail[];
  retryAfterSeconds?: number;
  cause?: unknown;
}

/**
 * An error whose message is safe to show to clients. The status follows from the code,
 * so a code can never travel with the wrong status.
 */
export abstract class AppError extends Error {
  abstract readonly code: ErrorCode;
  readonly details: ErrorDetail[] | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  get statusCode(): number {
    return ERROR_STATUS[this.code];
  }
}

type ClientErrorCode =
  | 'invalid_json'
  | 'invalid_request'
  | 'unsupported_language'
  | 'unsupported_version'
  | 'payload_too_large'
  | 'unsupported_media_type';

/** A request the client must change before retrying (400, 413, 415). */
export class BadRequestError extends AppError {
  constructor(
    readonly code: ClientErrorCode,
    message: string,
    options?: AppErrorOptions,
  ) {
    super(message, options);
  }
}

/** The request lacks valid credentials (a metrics token or an API key). */
export class UnauthorizedError extends AppError {
  constructor(
    readonly code: 'unauthorized' | 'invalid_api_key' | 'api_key_required',
    message: string,
    options?: AppErrorOptions,
  ) {
    super(message, options);
  }
}

/** A browser page from an origin outside CORS_ORIGINS opened a WebSocket (403). */
export class ForbiddenOriginError extends AppError {
  readonly code = 'origin_not_allowed';
}

/** No route matches the request. */
export class NotFoundError extends AppError {
  readonly code = 'not_found';
}

/** The path exists but does not serve this method; the response names the ones it does. */
export class MethodNotAllowedError extends AppError {
  readonly code = 'method_not_allowed';
}

/** The client exceeded a rate limit. */
export class RateLimitedError extends AppError {
  readonly code = 'rate_limited';
}

/** Piston answered, but with something the gateway cannot use. */
export class UpstreamError extends AppError {
  readonly code = 'upstream_error';
}

/** Piston could not be reached (refused, reset, DNS). */
export class UpstreamUnavailableError extends AppError {
  readonly code = 'upstream_unavailable';
}

/** Piston did not answer in time. */
export class UpstreamTimeoutError extends AppError {
  readonly code = 'upstream_timeout';
}

/** The client went away before its answer was ready; nobody is waiting for a response. */
export class ClientGoneError extends Error {
  override readonly name: string = 'ClientGoneError';
}

/** Builds the response body for an AppError; never includes the stack or the cause. */
export function toErrorBody(error: AppError, requestId?: string): ErrorBody {
  return {
    error: error.message,
    code: error.code,
    ...(error.details ? { details: error.details } : {}),
    ...(requestId ? { requestId } : {}),
  };
}

/** The gateway is at its execution limit and its queue is full or the wait ran out. */
export class OverloadedError extends AppError {
  readonly code = 'overloaded';
}

/** Anything the gateway did not anticipate; the message never reveals the cause. */
export class InternalServerError extends AppError {
  readonly code = 'internal_error';
}

/** The submission queue holds MAX_SUBMISSION_QUEUE submissions already; try again later. */
export class SubmissionQueueFullError extends AppError {
  readonly code = 'queue_full';
}

/** Where submissions are kept or queued (Redis) failed or did not answer; try again later. */
export class SubmissionQueueUnavailableError extends AppError {
  readonly code = 'queue_unavailable';
}
