import { z } from 'zod';
import type { AppError } from '../errors.js';
import { BadRequestError, toErrorBody } from '../errors.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../middleware/json-text.js';
import { parseBody } from '../middleware/validate.js';
import { ExecuteRequestSchema, type ExecuteRequest } from '../schemas/execute-request.js';
import { jsonPieces, type JsonPiece } from '../live/json-pieces.js';
import type { LiveEvent } from '../live/live-events.js';

/** WebSocket close codes the gateway uses (RFC 6455 §7.4.1). */
export const CLOSE = {
  /** After `result`. */
  normal: 1000,
  /** The gateway is shutting down. */
  goingAway: 1001,
  /** A refused init or frame, after an `error` frame with the usual code. */
  policy: 1008,
  /** A frame over the size limit (sent by `ws` itself at `maxPayload`). */
  tooBig: 1009,
  /** Piston failed. */
  internal: 1011,
  /** Overloaded: try again later. */
  tryAgain: 1013,
} as const;

/** The frames a client may send after `init` (exported for the OpenAPI document). */
export const RunFrameSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('stdin'), data: z.string() }),
  z.strictObject({ type: z.literal('kill') }),
]);

/** The first frame: the body of POST /api/execute and, from a browser, its API key. */
export interface InitFrame {
  body: ExecuteRequest;
  apiKey?: string;
}

/** A frame after init. */
export type RunFrame = z.infer<typeof RunFrameSchema>;

/** The frame's JSON, or a 400 invalid_json as for an HTTP body (depth bounded before parsing). */
function parseJson(text: string): unknown {
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    throw new BadRequestError('invalid_json', `The frame nests deeper than ${MAX_JSON_DEPTH}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BadRequestError('invalid_json', 'The frame is not valid JSON');
  }
}

/** The frame as a JSON object, or a 400. */
function parseObject(text: string): Record<string, unknown> {
  const frame = parseJson(text);
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
    throw invalidFrame('a frame is a JSON object with a "type"');
  }
  return frame as Record<string, unknown>;
}

/**
 * Reads the init frame, `{type:"init", apiKey?, ...the body of POST /api/execute}`, validated
 * with the same schema as the HTTP body, so with the same errors.
 */
export function parseInitFrame(text: string): InitFrame {
  const { type, apiKey, ...body } = parseObject(text);
  if (type !== 'init') throw invalidFrame('the first frame must be {"type":"init", ...}');
  if (apiKey !== undefined && typeof apiKey !== 'string') {
    throw invalidFrame('must be a string', 'apiKey');
  }
  return {
    body: parseBody(ExecuteRequestSchema, body),
    ...(apiKey !== undefined ? { apiKey } : {}),
  };
}

/** Reads a frame after init: `{type:"stdin", data}` or `{type:"kill"}`; anything else is a 400. */
export function parseRunFrame(text: string): RunFrame {
  const frame = parseObject(text);
  if (frame.type === 'init') throw invalidFrame('the run was already initialised');
  const parsed = RunFrameSchema.safeParse(frame);
  if (!parsed.success) {
    throw invalidFrame('after init, send {"type":"stdin","data":"..."} or {"type":"kill"}');
  }
  return parsed.data;
}

function invalidFrame(message: string, field = 'type'): BadRequestError {
  return new BadRequestError('invalid_request', 'The frame is invalid', {
    details: [{ field, message }],
  });
}

/** The wire frame of a live event: the SSE payloads, with `type` naming the event. */
export function eventFrame(event: LiveEvent): string {
  return JSON.stringify(event);
}

/**
 * A live event's frame as the fragments of one text message (RFC 6455 §5.4): one for most
 * events; for `result`, pieces that share one encoding of its output (see jsonPieces).
 */
export function eventFragments(event: LiveEvent): JsonPiece[] {
  return event.type === 'result' ? jsonPieces(event) : [eventFrame(event)];
}

/**
 * The `error` frame of a refusal: the usual error body with `type: "error"`, plus the wait an
 * HTTP answer would give in `Retry-After` (a socket has no headers) as `retryAfterSeconds`.
 */
export function errorFrame(error: AppError, requestId: string): string {
  const wait = error.retryAfterSeconds;
  return JSON.stringify({
    type: 'error',
    ...toErrorBody(error, requestId),
    ...(wait !== undefined ? { retryAfterSeconds: wait } : {}),
  });
}

/** The close code for an error: overloaded 1013, the client's fault 1008, the engine's 1011. */
export function closeCodeFor(code: string, status: number): number {
  if (code === 'overloaded') return CLOSE.tryAgain;
  return status < 500 ? CLOSE.policy : CLOSE.internal;
}
