import type { z } from 'zod';
import type { ErrorBody, ErrorCode } from '../errors.js';

/** The methods a documented route may serve. */
export type DocumentedMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * The response headers the gateway sends, described once in the document's components and named
 * by the routes that send them.
 */
export const RESPONSE_HEADERS = [
  'X-Request-Id',
  'RateLimit',
  'RateLimit-Policy',
  'Retry-After',
  'X-Cache',
  'ETag',
  'Cache-Control',
  'WWW-Authenticate',
  'Allow',
  'X-Exit-Code',
  'X-Signal',
  'X-Status',
  'X-Language',
  'X-Version',
] as const;
export type ResponseHeader = (typeof RESPONSE_HEADERS)[number];

/** A named example: the value must be valid against the schema it illustrates (tested). */
export interface ExampleDoc {
  summary: string;
  value: unknown;
}

/** A body (request or response) in one media type. */
export interface ContentDoc {
  /** Default `application/json`. `text/event-stream` marks a Server-Sent Events stream. */
  mediaType?: string;
  /** The zod schema the server validates (requests) or builds its answer from (responses). */
  schema?: z.ZodType;
  /** A components/schemas name: the schema is described once there and referenced. */
  name?: string;
  examples?: Record<string, ExampleDoc>;
  /** For `text/event-stream`: each event name and the schema of its `data:` JSON. */
  events?: Record<string, z.ZodType>;
}

/** One documented response status (errors are generated from `errors`, not written here). */
export interface ResponseDoc {
  description: string;
  content?: ContentDoc;
  headers?: ResponseHeader[];
}

/** A request header the route reads. */
export interface HeaderParameterDoc {
  name: string;
  description: string;
  required?: boolean;
  example?: string;
}

/**
 * What guards a route, which decides the security requirement, the `RateLimit` headers and the
 * 401/429 answers the document lists: `public` (nothing), `api` (API key and the `/api` rate
 * limit), `execute` (those and the execution rate limit), `metrics-token` (the metrics bearer
 * token, with the `/api` limit on wrong tokens).
 */
export type Protection = 'public' | 'api' | 'execute' | 'metrics-token';

/** An error body other than the gateway's, described once under components/schemas/`name`. */
export interface ErrorBodyDoc {
  name: string;
  schema: z.ZodType;
  /** The body of one error as this API writes it (the examples of each error status). */
  example: (code: ErrorCode, message: string) => unknown;
}

/** For a WebSocket route: the JSON frames each side sends, by their `type`. */
export interface WebSocketDoc {
  client: Record<string, z.ZodType>;
  server: Record<string, z.ZodType>;
}

/**
 * One route as the OpenAPI document describes it. Declared beside the handler in the module that
 * owns the route and given to `createRouter(docs)`, so the document is assembled from the routers
 * the app mounts; the drift test fails for a served route without one.
 */
export interface RouteDoc {
  method: DocumentedMethod;
  /** The full path, in OpenAPI's template form: `/api/run/{language}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  protection: Protection;
  query?: z.ZodObject;
  params?: z.ZodObject;
  headers?: HeaderParameterDoc[];
  requestBody?: ContentDoc & { description?: string; required?: boolean };
  /** Successful answers by status (200, 201, 101, 304, ...). */
  responses: Record<number, ResponseDoc>;
  /**
   * The error codes the route itself can answer with. The ones its protection implies (401,
   * 429), 405 and 500 are added for every route.
   */
  errors: ErrorCode[];
  websocket?: WebSocketDoc;
  /**
   * The error body of an API that answers errors in its own shape (Piston's, Judge0's) instead of
   * the gateway's `ErrorResponse`: the statuses still come from `errors`, their body from here.
   */
  errorBody?: ErrorBodyDoc;
  /**
   * For routes that answer errors as one line of text unless asked for JSON (`/api/run`): writes
   * that line from the JSON body, for the `text/plain` examples beside the JSON ones.
   */
  errorText?: (body: ErrorBody) => string;
  /** Specification extensions for this operation (`x-...`). */
  extensions?: Record<`x-${string}`, unknown>;
}

/**
 * The errors of a request that runs one execution through the gateway's path (validation, the
 * runtime list, Piston's body limit, the queue, Piston), whichever API it came in by.
 */
export const EXECUTION_ERRORS: readonly ErrorCode[] = [
  'invalid_request',
  'unsupported_language',
  'unsupported_version',
  'payload_too_large',
  'upstream_error',
  'upstream_unavailable',
  'overloaded',
  'upstream_timeout',
];

/** Declares a module's routes for the OpenAPI document (an identity function, for typing). */
export function defineRoutes(routes: RouteDoc[]): readonly RouteDoc[] {
  return routes;
}

const ROUTE_DOCS = Symbol('routeDocs');

/** Attaches route docs to a router (or any handler) so the document can find them. */
export function attachRouteDocs<T extends object>(handler: T, docs: readonly RouteDoc[]): T {
  Object.defineProperty(handler, ROUTE_DOCS, { value: docs, enumerable: false });
  return handler;
}

/** The route docs attached to a handler, if any. */
export function routeDocsOf(handler: unknown): readonly RouteDoc[] | undefined {
  if ((typeof handler !== 'function' && typeof handler !== 'object') || handler === null) {
    return undefined;
  }
  return (handler as { [ROUTE_DOCS]?: readonly RouteDoc[] })[ROUTE_DOCS];
}
