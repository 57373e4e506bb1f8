import { z } from 'zod';
import { defineRoutes, type RouteDoc } from '../openapi/route-docs.js';

const HTML = { mediaType: 'text/html', schema: z.string() };

function pageDoc(path: string, operationId: string, summary: string): RouteDoc {
  return {
    method: 'get',
    path,
    operationId,
    summary,
    description:
      'An HTML page (no API key, no rate limit: it is served from memory). Its scripts call the `/api` routes, which keep their protection. Served only when PLAYGROUND_ENABLED is true.',
    tags: ['Playground'],
    protection: 'public',
    responses: {
      200: {
        description: 'The page, with a per-response CSP nonce.',
        headers: ['Cache-Control'],
        content: HTML,
      },
    },
    errors: [],
  };
}

/** The playground's pages and files in the OpenAPI document, tagged "Playground". */
export const WEB_ROUTE_DOCS = defineRoutes([
  pageDoc('/', 'playground', 'The playground: an editor that runs code through this gateway'),
  pageDoc('/docs', 'apiReferencePage', 'This API reference as an HTML page'),
  {
    method: 'get',
    path: '/embed.js',
    operationId: 'embedScript',
    summary: 'The script that turns code blocks of any site into runnable snippets',
    description:
      'Load it with `<script src=".../embed.js">` from any origin (`Cross-Origin-Resource-Policy: cross-origin`). Send the `ETag` back in `If-None-Match` for a 304.',
    tags: ['Playground'],
    protection: 'public',
    responses: {
      200: {
        description: 'The script.',
        headers: ['ETag', 'Cache-Control'],
        content: { mediaType: 'application/javascript', schema: z.string() },
      },
      304: {
        description: 'Unchanged since the `ETag` sent in `If-None-Match`.',
        headers: ['ETag'],
      },
    },
    errors: ['not_found'],
  },
  {
    method: 'get',
    path: '/assets/{file}',
    operationId: 'webAsset',
    summary: 'A bundled file of the playground (script, style sheet or icon)',
    tags: ['Playground'],
    protection: 'public',
    params: z.object({
      file: z
        .string()
        .describe('A file name of the bundle, such as `playground.js` (no paths, no dot files).'),
    }),
    responses: {
      200: {
        description: 'The file, as `application/javascript`, `text/css` or `image/svg+xml`.',
        headers: ['ETag', 'Cache-Control'],
        content: { mediaType: 'application/javascript', schema: z.string() },
      },
      304: {
        description: 'Unchanged since the `ETag` sent in `If-None-Match`.',
        headers: ['ETag'],
      },
    },
    errors: ['not_found'],
  },
]);
