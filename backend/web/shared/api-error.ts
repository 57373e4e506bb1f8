/** An answer of the API that is not a result: status, stable code, message people can read. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly string[] = [],
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

interface ErrorBody {
  error?: unknown;
  code?: unknown;
  details?: unknown;
}

/** Turns a failed response into an ApiError, whatever its body (JSON error, proxy HTML, none). */
export async function toApiError(response: Response): Promise<ApiError> {
  let body: ErrorBody = {};
  try {
    body = (await response.json()) as ErrorBody;
  } catch {
    // Not JSON (a proxy's page): the status says enough.
  }
  const retry = Number(response.headers.get('Retry-After'));
  const details = Array.isArray(body.details)
    ? body.details.map((d: unknown) => detailText(d)).filter((d) => d !== '')
    : [];
  return new ApiError(
    response.status,
    typeof body.code === 'string' ? body.code : `http_${response.status}`,
    typeof body.error === 'string' ? body.error : `The server answered ${response.status}.`,
    details,
    Number.isFinite(retry) && retry >= 0 ? retry : undefined,
  );
}

function detailText(detail: unknown): string {
  if (typeof detail !== 'object' || detail === null) return '';
  // The gateway names the field (`field: "files.0.name"`); other servers may give a `path` array.
  const { field, path, message } = detail as { field?: unknown; path?: unknown; message?: unknown };
  const name = typeof field === 'string' ? field : Array.isArray(path) ? path.join('.') : '';
  const where = name === '' ? '' : `${name}: `;
  return typeof message === 'string' ? `${where}${message}` : '';
}

/** What to tell a person about an API error: a sentence, and the details below it. */
export function describeApiError(error: ApiError): { title: string; details: readonly string[] } {
  switch (error.status) {
    case 429: {
      const wait = error.retryAfterSeconds;
      return {
        title:
          wait === undefined
            ? 'Too many runs for now. Try again in a moment.'
            : `Too many runs for now. Try again in ${formatWait(wait)}.`,
        details: [],
      };
    }
    case 503:
      return {
        title:
          error.code === 'overloaded'
            ? 'The server is busy running other programs. Try again in a few seconds.'
            : 'The code runner is unavailable right now. Try again later.',
        details: [],
      };
    case 401:
    case 403:
      return { title: `${error.message} (an API key is needed).`, details: [] };
    default:
      return { title: error.message, details: error.details };
  }
}

/** `45 seconds`, `3 minutes`, `1 hour 5 minutes`. */
export function formatWait(seconds: number): string {
  const s = Math.ceil(seconds);
  if (s < 60) return `${s} second${s === 1 ? '' : 's'}`;
  const m = Math.ceil(s / 60);
  if (m < 60) return `${m} minute${m === 1 ? '' : 's'}`;
  const h = Math.floor(m / 60);
  const rest = m % 60;
  return `${h} hour${h === 1 ? '' : 's'}${rest ? ` ${rest} minute${rest === 1 ? '' : 's'}` : ''}`;
}
