import type { Request, Response, Router } from 'express';
import { createRouter } from '../routes/create-router.js';
import { matchesIfNoneMatch } from '../routes/languages-routes.js';
import { methodNotAllowed } from '../middleware/method-not-allowed.js';
import { NotFoundError } from '../errors.js';
import { createNonce, pageCsp, renderPage, type PageName } from './pages.js';
import type { WebAsset, WebAssets } from './web-assets.js';
import { WEB_ROUTE_DOCS } from './web-route-docs.js';

/**
 * Asset names a request may ask for: a short plain file name (no paths, no dot files), such as
 * `playground.js` or a chunk, `chunk-X7KQ2LMD.js`.
 */
const ASSET_NAME = /^[a-z][a-zA-Z0-9-]{0,40}\.(?:js|css|svg)$/;

/** Whether a requested `/assets/` name is one the bundle could hold (checked before lookup). */
export function isAssetName(name: string): boolean {
  return ASSET_NAME.test(name);
}

/**
 * The browser face of the gateway (#16): the playground at `/`, the API reference at `/docs`,
 * the embeddable runner at `/embed.js` and the bundled files under `/assets/`. Mounted only when
 * PLAYGROUND_ENABLED is true, so they answer 404 otherwise.
 *
 * @example app.use(createWebRouter({ assets: createWebAssets() }));
 */
export function createWebRouter(deps: { assets: WebAssets }): Router {
  const router = createRouter(WEB_ROUTE_DOCS);
  router.get('/', page('playground'));
  router.all('/', methodNotAllowed('GET'));
  router.get('/docs', page('docs'));
  router.all('/docs', methodNotAllowed('GET'));
  router.get('/embed.js', async (req, res) => {
    const asset = await findAsset(deps.assets, 'embed.js');
    // Other sites load it with a <script> tag: not covered by Cross-Origin-Resource-Policy.
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    sendAsset(req, res, asset, 'public, max-age=300');
  });
  router.all('/embed.js', methodNotAllowed('GET'));
  router.get('/assets/:file', async (req, res) => {
    const name = req.params.file;
    if (typeof name !== 'string' || !isAssetName(name)) throw new NotFoundError('No such file');
    sendAsset(req, res, await findAsset(deps.assets, name), 'no-cache');
  });
  return router;
}

function page(name: PageName) {
  return function servePage(_req: Request, res: Response): void {
    const nonce = createNonce();
    res.setHeader('Content-Security-Policy', pageCsp(nonce));
    // A page with a per-response nonce must not be served again from a cache.
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(renderPage(name, nonce));
  };
}

async function findAsset(assets: WebAssets, name: string): Promise<WebAsset> {
  const asset = (await assets()).get(name);
  if (asset === undefined) throw new NotFoundError('No such file');
  return asset;
}

function sendAsset(req: Request, res: Response, asset: WebAsset, cacheControl: string): void {
  res.setHeader('Content-Type', asset.contentType);
  res.setHeader('Cache-Control', cacheControl);
  res.setHeader('ETag', asset.etag);
  if (matchesIfNoneMatch(req.get('if-none-match'), asset.etag)) {
    res.status(304).end();
    return;
  }
  res.send(asset.body);
}
