/** The most characters of a request path that messages and log lines repeat. */
export const MAX_SHOWN_PATH = 200;

/**
 * A request path as error messages and log lines show it: at most MAX_SHOWN_PATH characters,
 * then "…", so a client cannot fill a 404 body or the log with a 15,000-character path.
 */
export function shortPath(path: string): string {
  return path.length > MAX_SHOWN_PATH ? `${path.slice(0, MAX_SHOWN_PATH)}…` : path;
}

/**
 * A request URL as the access log records it: the path shortened, and the query string replaced
 * by `?[redacted]`, since clients put credentials there (`?api_key=...`) that must not reach logs.
 */
export function loggedUrl(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? shortPath(url) : `${shortPath(url.slice(0, query))}?[redacted]`;
}
