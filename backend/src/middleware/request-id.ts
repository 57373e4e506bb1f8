import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';

/** Incoming ids are echoed only when short and plain, so they cannot inject into logs. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives every request an id: the caller's `X-Request-Id` when it is safe, else a new UUID.
 * The id is echoed in the `X-Request-Id` response header and in every error body.
 *
 * @example app.use(requestId());
 */
export function requestId(): RequestHandler {
  return function requestIdMiddleware(req, res, next) {
    const incoming = req.get('x-request-id');
    const id = incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = id;
    res.setHeader('X-Request-Id', id);
    next();
  };
}

/** The id requestId() assigned to this response, if it ran. */
export function getRequestId(res: Response): string | undefined {
  const id: unknown = res.locals.requestId;
  return typeof id === 'string' ? id : undefined;
}
