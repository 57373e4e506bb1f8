import type { RequestHandler } from 'express';
import { setErrorWriter } from '../middleware/error-handler.js';
import type { ErrorBody } from '../errors.js';

/**
 * Errors of the plain-text routes as one line, `error: <message> (<code>)`, for a terminal:
 * the status and headers are as usual; a client that asks for `Accept: application/json` gets
 * the JSON error body instead. Registered before the API key check and the rate limits, so
 * their 401 and 429 read the same way.
 *
 * @example app.use('/api/run', plainErrors());
 */
export function plainErrors(): RequestHandler {
  return function plainErrorsMiddleware(req, res, next) {
    if (req.accepts(['text/plain', 'application/json']) !== 'application/json') {
      setErrorWriter(res, (body) => {
        res.type('text/plain; charset=utf-8').send(errorLine(body));
      });
    }
    next();
  };
}

/** The error as one line of text, naming each bad field the details list. */
export function errorLine(body: ErrorBody): string {
  // The details of a bad field say which; a size's details repeat the message.
  const listed = body.code === 'invalid_request' || body.code.startsWith('unsupported_');
  const details = (listed ? (body.details ?? []) : [])
    .map((detail) => (detail.field ? `${detail.field} ${detail.message}` : detail.message))
    .join('; ');
  const text = details ? `${body.error}: ${details}` : body.error;
  return `error: ${text.replace(/[\r\n]+/g, ' ')} (${body.code})\n`;
}
