import type { Router } from 'express';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { methodNotAllowed } from '../middleware/method-not-allowed.js';
import { defineRoutes } from '../openapi/route-docs.js';
import { createRouter } from './create-router.js';
import { matchesIfNoneMatch } from './languages-routes.js';

/** Public and the same for everyone: caches may keep it, then revalidate with the ETag. */
const CACHE_CONTROL = 'public, max-age=300';

/** The outline of an OpenAPI document, as far as this document describes itself. */
const OpenApiDocumentSchema = z.looseObject({
  openapi: z.string().meta({ examples: ['3.1.1'] }),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});

/** `GET /openapi.json` in the OpenAPI document itself. */
export const OPENAPI_ROUTE_DOCS = defineRoutes([
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'getOpenApiDocument',
    summary: 'This document',
    description:
      'The OpenAPI 3.1 description of this gateway, for client generators and the reference page. Served with CORS to any origin (it is public) and cacheable with an ETag.',
    tags: ['Operations'],
    protection: 'public',
    headers: [
      {
        name: 'If-None-Match',
        description: 'An `ETag` from an earlier answer: `304` while the document is the same.',
      },
    ],
    responses: {
      200: {
        description: 'The OpenAPI document.',
        headers: ['ETag', 'Cache-Control'],
        content: { schema: OpenApiDocumentSchema },
      },
      304: { description: 'Not modified.', headers: ['ETag'] },
    },
    errors: [],
  },
]);

/**
 * `GET /openapi.json`: the document `build()` makes, built on the first request (when every
 * router is mounted) and kept, with an ETag and 304s.
 */
export function createOpenApiRouter(deps: { build: () => unknown }): Router {
  const router = createRouter(OPENAPI_ROUTE_DOCS);
  let memo: { text: string; etag: string } | undefined;

  router.get('/', (req, res) => {
    if (!memo) {
      const text = JSON.stringify(deps.build());
      const hash = createHash('sha256').update(text).digest('base64url').slice(0, 27);
      // Weak: the same document goes out gzipped or not.
      memo = { text, etag: `W/"${hash}"` };
    }
    res.setHeader('Cache-Control', CACHE_CONTROL);
    res.setHeader('ETag', memo.etag);
    if (matchesIfNoneMatch(req.get('if-none-match'), memo.etag)) {
      res.status(304).end();
      return;
    }
    res.type('application/json').send(memo.text);
  });

  router.all('/', methodNotAllowed('GET'));

  return router;
}
