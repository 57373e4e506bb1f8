import { createParser } from 'eventsource-parser';

/** One Server-Sent Event as a client received it. */
export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
  /** performance.now() when it was parsed. */
  at: number;
}

/** A POST answered either with an event stream or with a plain (JSON) body. */
export interface SseExchange {
  status: number;
  headers: Headers;
  /** The JSON body of an answer that is not a stream. */
  json?: Record<string, unknown>;
  events: SseEvent[];
  comments: string[];
  /** Resolves with the first event (from now or already received) of that name. */
  waitFor(name: string): Promise<SseEvent>;
  /** Settles when the stream has ended. */
  ended: Promise<void>;
  /** Closes the connection (a client that goes away). */
  abort(): void;
}

/**
 * POSTs a JSON body and reads the answer with `fetch` and `eventsource-parser`, as a browser
 * page would (EventSource cannot POST).
 */
export async function postSse(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<SseExchange> {
  const controller = new AbortController();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: controller.signal,
  });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const waiters: { name: string; resolve: (event: SseEvent) => void }[] = [];
  const exchange: SseExchange = {
    status: response.status,
    headers: response.headers,
    events,
    comments,
    waitFor(name) {
      const seen = events.find((event) => event.event === name);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ name, resolve }));
    },
    ended: Promise.resolve(),
    abort: () => controller.abort(),
  };
  if (!response.headers.get('content-type')?.startsWith('text/event-stream')) {
    exchange.json = (await response.json()) as Record<string, unknown>;
    return exchange;
  }
  const parser = createParser({
    onEvent(message) {
      const event = {
        event: message.event ?? 'message',
        data: JSON.parse(message.data) as Record<string, unknown>,
        at: performance.now(),
      };
      events.push(event);
      for (const waiter of waiters.filter((w) => w.name === event.event)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
    },
    onComment: (comment) => comments.push(comment),
  });
  exchange.ended = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        parser.feed(decoder.decode(chunk, { stream: true }));
      }
    } catch {
      // Aborted by the test.
    }
  })();
  return exchange;
}

/** The events' names in order, stdout/stderr chunks merged into one entry per run of them. */
export function eventNames(events: SseEvent[]): string[] {
  return events
    .map((e) => e.event)
    .filter((name, i, all) => !(name === all[i - 1] && (name === 'stdout' || name === 'stderr')));
}
