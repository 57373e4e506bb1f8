import { z } from 'zod';
import { ErrorResponseSchema, ExecuteResponseSchema } from '../schemas/execute-response.js';
import type { LiveEvent } from './live-events.js';

const StageSchema = z.enum(['compile', 'run']);
const OutputSchema = z.strictObject({ type: z.enum(['stdout', 'stderr']), data: z.string() });

/**
 * Each live event by its `type`, as the SSE `data:` JSON and the WebSocket frame carry it (the
 * OpenAPI document's `x-sse-events` and `x-websocket`). Checked against LiveEvent below (the `error` schema is the general error body).
 */
export const LIVE_EVENT_SCHEMAS = {
  runtime: z.strictObject({
    type: z.literal('runtime'),
    language: z.string(),
    version: z.string(),
  }),
  stage: z.strictObject({ type: z.literal('stage'), stage: StageSchema }),
  stdout: OutputSchema,
  stderr: OutputSchema,
  exit: z.strictObject({
    type: z.literal('exit'),
    stage: StageSchema,
    exitCode: z.number().int().nullable(),
    signal: z.string().nullable(),
  }),
  result: z.strictObject({ type: z.literal('result'), result: ExecuteResponseSchema }),
  error: ErrorResponseSchema.extend({ type: z.literal('error') }),
} as const;

type Described = z.infer<(typeof LIVE_EVENT_SCHEMAS)[keyof typeof LIVE_EVENT_SCHEMAS]>;

/** Compile-time proof that every LiveEvent fits the schemas: `true`, or the build fails. */
export const LIVE_EVENTS_DESCRIBED: [LiveEvent] extends [Described] ? true : false = true;

/** The `data:` JSON of each SSE event, whose name is the event's `type` (see formatEvent). */
export const SSE_EVENT_SCHEMAS = {
  runtime: LIVE_EVENT_SCHEMAS.runtime.omit({ type: true }),
  stage: LIVE_EVENT_SCHEMAS.stage.omit({ type: true }),
  stdout: OutputSchema.omit({ type: true }),
  stderr: OutputSchema.omit({ type: true }),
  exit: LIVE_EVENT_SCHEMAS.exit.omit({ type: true }),
  result: ExecuteResponseSchema,
  error: ErrorResponseSchema,
} as const;
