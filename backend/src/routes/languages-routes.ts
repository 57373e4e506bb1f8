import type { Router } from 'express';
import { createHash } from 'node:crypto';
import { methodNotAllowed } from '../middleware/method-not-allowed.js';
import type { PistonRuntime } from '../piston/piston-schemas.js';
import { compareVersions } from '../runtimes/resolve-runtime.js';
import type { RuntimeCache } from '../runtimes/runtime-cache.js';
import type { LanguagesResponse } from '../schemas/execute-response.js';
import { createRouter } from './create-router.js';

/** Editors may reuse the list this long, then revalidate cheaply with If-None-Match. */
const CACHE_CONTROL = 'public, max-age=300, stale-while-revalidate=600';

/** `GET /api/execute/languages`: installed runtimes from the cache, with ETag and 304s. */
export function createLanguagesRouter(deps: { runtimes: RuntimeCache }): Router {
  const router = createRouter();
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
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    res.json(memo.body);
  });

  router.all('/', methodNotAllowed('GET'));

  return router;
}

/** One entry per installed version, by language name, newest version first. */
export function toLanguagesResponse(runtimes: readonly PistonRuntime[]): LanguagesResponse {
  const languages = runtimes
    .map((rt) => ({ language: rt.language, version: rt.version, aliases: [...rt.aliases] }))
    .sort((a, b) => a.language.localeCompare(b.language) || compareVersions(b.version, a.version));
  return { languages };
}
