import type { Router } from 'express';
import { createHash } from 'node:crypto';
import { methodNotAllowed } from '../middleware/method-not-allowed.js';
import type { PistonRuntime } from '../piston/piston-schemas.js';
import { languageDetails } from '../runtimes/language-catalog.js';
import { COMMON_LANGUAGE_NAMES } from '../runtimes/language-names.js';
import { compareVersions, findLanguage } from '../runtimes/resolve-runtime.js';
import type { RuntimeCache } from '../runtimes/runtime-cache.js';
import { defineRoutes } from '../openapi/route-docs.js';
import { LanguagesResponseSchema, type LanguagesResponse } from '../schemas/execute-response.js';
import { createRouter } from './create-router.js';

/** Editors may reuse the list this long, then revalidate cheaply with If-None-Match. */
const CACHE_CONTROL = 'public, max-age=300, stale-while-revalidate=600';

/** `GET /api/execute/languages` in the OpenAPI document. */
export const LANGUAGES_ROUTE_DOCS = defineRoutes([
  {
    method: 'get',
    path: '/api/execute/languages',
    operationId: 'listLanguages',
    summary: 'List the installed languages, with what an editor needs',
    description:
      'One entry per installed version, by language name, newest version first. `aliases` are the other names `POST /api/execute` accepts. `displayName`, `extension`, `editor` and `template` help editors; they are absent (or the language name) for languages the gateway has no entry for. Revalidate with `If-None-Match`.',
    tags: ['Execution'],
    protection: 'api',
    headers: [
      {
        name: 'If-None-Match',
        description: 'An `ETag` from an earlier answer: `304` while the list is the same.',
        example: 'W/"n4bQgYhMfWWaL-qgxVrQFaO_Txs"',
      },
    ],
    responses: {
      200: {
        description: 'The installed languages.',
        headers: ['ETag', 'Cache-Control'],
        content: {
          schema: LanguagesResponseSchema,
          name: 'LanguagesResponse',
          examples: {
            list: {
              summary: 'Python installed',
              value: {
                languages: [
                  {
                    language: 'python',
                    version: '3.11.2',
                    aliases: ['py', 'py3', 'python3', 'python3.11'],
                    displayName: 'Python',
                    extension: 'py',
                    editor: { codemirror: 'python', monaco: 'python' },
                    template: 'print("Hello, World!")\n',
                  },
                ],
              },
            },
          },
        },
      },
      304: {
        description: 'Not modified: `If-None-Match` names the current list.',
        headers: ['ETag'],
      },
    },
    errors: ['upstream_error', 'upstream_unavailable', 'upstream_timeout'],
  },
]);

/** `GET /api/execute/languages`: installed runtimes from the cache, with ETag and 304s. */
export function createLanguagesRouter(deps: { runtimes: RuntimeCache }): Router {
  const router = createRouter(LANGUAGES_ROUTE_DOCS);
  let memo: { source: readonly PistonRuntime[]; body: LanguagesResponse; etag: string } | undefined;

  router.get('/', async (req, res) => {
    const runtimes = await deps.runtimes.get();
    if (memo?.source !== runtimes) {
      const body = toLanguagesResponse(runtimes);
      // Weak: the same list goes out gzipped or not, and a strong validator names one byte form.
      const etag = `W/"${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 27)}"`;
      memo = { source: runtimes, body, etag };
    }
    res.setHeader('Cache-Control', CACHE_CONTROL);
    res.setHeader('ETag', memo.etag);
    if (matchesIfNoneMatch(req.get('if-none-match'), memo.etag)) {
      res.status(304).end();
      return;
    }
    res.json(memo.body);
  });

  router.all('/', methodNotAllowed('GET'));

  return router;
}

/**
 * Whether an `If-None-Match` header names this entity tag, by the weak comparison RFC 9110
 * §13.1.2 asks for (`W/"x"` matches `"x"`), or is `*`. Unlike Express's `req.fresh`, a request's
 * `Cache-Control: no-cache` does not matter: browsers' fetch() adds it to every request it makes
 * with a conditional header of its own, and the RFC says the origin answers 304 when the tag
 * matches, whatever else the request says.
 */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  const opaque = withoutWeakPrefix(etag);
  return header.split(',').some((tag) => withoutWeakPrefix(tag.trim()) === opaque);
}

function withoutWeakPrefix(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}

/**
 * One entry per installed version, by language name, newest version first. `aliases` are all the
 * other names `POST /api/execute` accepts for it: Piston's own, then the common names the gateway
 * adds (`node`, `ts`, `golang`, ...) that resolve to this language with this runtime list.
 */
export function toLanguagesResponse(runtimes: readonly PistonRuntime[]): LanguagesResponse {
  const added = new Map<string, string[]>();
  for (const name of Object.keys(COMMON_LANGUAGE_NAMES)) {
    const language = findLanguage(runtimes, name)[0]?.language;
    if (language !== undefined) added.set(language, [...(added.get(language) ?? []), name]);
  }
  const languages = runtimes
    .map((rt) => ({
      language: rt.language,
      version: rt.version,
      aliases: [...new Set([...rt.aliases, ...(added.get(rt.language) ?? [])])].filter(
        (alias) => alias !== rt.language,
      ),
      ...languageDetails(rt.language),
    }))
    .sort((a, b) => a.language.localeCompare(b.language) || compareVersions(b.version, a.version));
  return { languages };
}
