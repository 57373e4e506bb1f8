import { z } from 'zod';
import { LIVE_EVENT_SCHEMAS } from '../live/live-event-schemas.js';
import { defineRoutes } from '../openapi/route-docs.js';
import { ExecuteRequestSchema } from '../schemas/execute-request.js';
import { RunFrameSchema } from './ws-frames.js';

const [StdinFrameSchema, KillFrameSchema] = RunFrameSchema.options;

/** The first frame: `type: "init"`, a browser's API key, and the body of `POST /api/execute`. */
const InitFrameSchema = z.strictObject({
  type: z.literal('init'),
  apiKey: z.string().optional().describe('For browsers, which cannot send headers here.'),
  ...ExecuteRequestSchema.shape,
});

/** `GET /api/execute/ws` in the OpenAPI document: the upgrade and the frames of each side. */
export const WS_ROUTE_DOCS = defineRoutes([
  {
    method: 'get',
    path: '/api/execute/ws',
    operationId: 'executeWebSocket',
    summary: 'Run a program interactively over a WebSocket',
    description:
      'Open a WebSocket (`Upgrade: websocket`), then send `init` within 5 seconds: the body of `POST /api/execute` with `type: "init"` (and `apiKey` from a browser). Then send `stdin` chunks or `kill`. The server sends the live events (`runtime`, `stage`, `stdout`, `stderr`, `exit`, `result`) as JSON frames with their `type`, or an `error` frame before closing with 1008 (bad frame), 1011 (engine failure) or 1013 (overloaded). A refusal before the upgrade (403 for an Origin outside CORS_ORIGINS, 401, 429, 503 while shutting down) is an ordinary HTTP answer. The frames of each side are under `x-websocket`.',
    tags: ['Execution'],
    protection: 'api',
    headers: [
      {
        name: 'Upgrade',
        description: 'Must be `websocket`.',
        required: true,
        example: 'websocket',
      },
    ],
    responses: { 101: { description: 'Switching to the WebSocket protocol.' } },
    errors: ['invalid_request', 'origin_not_allowed', 'overloaded'],
    websocket: {
      client: { init: InitFrameSchema, stdin: StdinFrameSchema, kill: KillFrameSchema },
      server: LIVE_EVENT_SCHEMAS,
    },
  },
]);
