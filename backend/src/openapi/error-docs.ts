import { ERROR_STATUS, type ErrorCode } from '../errors.js';

/**
 * What each error code means, as the document says it and as its example message shows it. Typed
 * by ErrorCode: a code added to errors.ts does not compile until it is described here.
 */
export const ERROR_DOCS: Readonly<Record<ErrorCode, { meaning: string; example: string }>> = {
  invalid_json: {
    meaning: 'The body is not valid JSON.',
    example: 'The request body is not valid JSON',
  },
  invalid_request: {
    meaning: 'The body, query or parameters break the schema; `details` names each field.',
    example: 'Invalid request',
  },
  unsupported_language: {
    meaning: 'No installed runtime has this language name or alias; `details` suggests names.',
    example: 'Unsupported language "pyhton"',
  },
  unsupported_version: {
    meaning: 'The language is installed, but not in a version matching the request.',
    example: 'python has no installed version matching "2.7"',
  },
  unauthorized: {
    meaning: 'The metrics token is missing or wrong.',
    example: 'Send the metrics token as Authorization: Bearer <token>',
  },
  queue_full: {
    meaning:
      'MAX_SUBMISSION_QUEUE async submissions are already waiting; Judge0 clients see their own `{"error":"queue is full"}`.',
    example: 'The submission queue is full; try again later',
  },
  queue_unavailable: {
    meaning:
      'The store or queue of async submissions (Redis) failed or did not answer; `Retry-After` says when to try again.',
    example: 'Submissions cannot be stored right now; try again shortly',
  },
  origin_not_allowed: {
    meaning:
      'A browser page opened the WebSocket from an origin outside CORS_ORIGINS (browsers do not apply CORS to WebSockets).',
    example: 'This origin may not open live runs',
  },
  invalid_api_key: {
    meaning: 'The API key presented is not one the gateway knows.',
    example: 'The API key is not valid',
  },
  api_key_required: {
    meaning: 'The gateway requires an API key (REQUIRE_API_KEY) and none was presented.',
    example: 'An API key is required: send Authorization: Bearer <key> or X-API-Key',
  },
  not_found: { meaning: 'No route has this path.', example: 'No route for GET /api/nothing' },
  method_not_allowed: {
    meaning: 'The path exists but not with this method; `Allow` names the methods it takes.',
    example: 'GET is not allowed on /api/execute; use POST',
  },
  payload_too_large: {
    meaning: 'The body (or a code, stdin or file inside it) is larger than the limits allow.',
    example: 'The request body is larger than 1048576 bytes',
  },
  unsupported_media_type: {
    meaning: 'The body is not sent as `application/json` (or in an encoding the gateway reads).',
    example: 'Send the body as application/json',
  },
  rate_limited: {
    meaning: 'A rate limit is used up; `Retry-After` says when to try again.',
    example: 'Too many requests, please try again later',
  },
  internal_error: {
    meaning: 'The gateway failed unexpectedly; the `requestId` finds it in the logs.',
    example: 'Internal server error',
  },
  upstream_error: {
    meaning: 'Piston answered with something the gateway cannot use.',
    example: 'The execution engine returned an invalid response',
  },
  upstream_unavailable: {
    meaning: 'Piston cannot be reached or is not ready; `Retry-After` says when to try again.',
    example: 'The execution engine is unavailable',
  },
  overloaded: {
    meaning:
      'The gateway is at its concurrent execution limit and its queue is full or the wait ran out; `Retry-After` says when to try again.',
    example: 'The gateway is at capacity, please retry shortly',
  },
  upstream_timeout: {
    meaning: 'Piston did not answer in time.',
    example: 'The execution engine did not respond in time',
  },
};

/** The codes of a route grouped by the HTTP status they travel with, statuses ascending. */
export function groupByStatus(codes: Iterable<ErrorCode>): Map<number, ErrorCode[]> {
  const groups = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = ERROR_STATUS[code];
    groups.set(status, [...(groups.get(status) ?? []), code]);
  }
  return new Map([...groups].sort(([a], [b]) => a - b));
}
