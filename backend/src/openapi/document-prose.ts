/** The document's `info.description`: what the schemas cannot say, in Markdown. */
export const DOCUMENT_DESCRIPTION = `A validated, rate-limited, cached gateway in front of the Piston code-execution engine.

This document is generated at run time from the zod schemas the gateway validates requests with and
builds its answers from, and from one declarative entry per route in the module that serves it.
A test fails when the app serves a route this document does not describe.

## Errors
Every error is \`application/json\` with a flat body: \`{ "error": "<message for people>", "code":
"<stable code>", "details"?: [...], "requestId": "<id>" }\`. Program on \`code\`, never on
\`error\`. Each operation lists the codes it can answer with under their HTTP status.

## Rate limits and API keys
Routes under \`/api\` count against a per-client limit (by API key, else by address) and send the
\`RateLimit\` and \`RateLimit-Policy\` headers (IETF draft 8); executions that run count against a
second, execution limit too. A \`429\` carries \`Retry-After\`. An API key goes in \`X-API-Key\` or
\`Authorization: Bearer\`; whether one is required depends on the deployment (REQUIRE_API_KEY), as
each operation's \`security\` says.

## Streaming and WebSocket endpoints
OpenAPI 3.1 describes request and response bodies, not streams of messages. This document uses:
- Server-Sent Events: a \`200\` response with the media type \`text/event-stream\`; the media type
  carries \`x-sse-events\`, an object from each event name to the JSON Schema of its \`data:\` line.
- WebSocket: a \`GET\` operation whose \`101\` response is the upgrade; the operation carries
  \`x-websocket\`, with \`client\` (frames the client sends) and \`server\` (frames the gateway
  sends), each an object from the frame's \`type\` to its JSON Schema, and its description says the
  rest in prose.`;
