import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';

/** Incoming ids are echoed only when short and plain, so they cannot inject into logs. */
export const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives the request an id: the caller's `X-Request-Id` when it is safe, else a new UUID. The id
 * is echoed in the `X-Request-Id` response header, in every error body and in the access log.
 */
export function assignRequestId(req: Request, res: Response): string {
  const incoming = req.headers['x-request-id'];
  const id =
    typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.locals.requestId = id;
  res.setHeader('X-Request-Id', id);
  return id;
}

/** The id assignRequestId() gave this response, if it ran. */
export function getRequestId(res: Response): string | undefined {
  const id: unknown = res.locals.requestId;
  return typeof id === 'string' ? id : undefined;
}
