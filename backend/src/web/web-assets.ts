import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWeb, type WebFile } from './bundle-web.js';

/** One file ready to serve: bytes, media type and a strong entity tag. */
export interface WebAsset {
  body: Buffer;
  contentType: string;
  etag: string;
}

/** The bundled browser files by name (`playground.js`, `embed.js`, ...), loaded once. */
export type WebAssets = () => Promise<ReadonlyMap<string, WebAsset>>;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * The bundle `npm run build` wrote beside the compiled server (`dist/public/`). Running from
 * source (tests, `npm run dev`) there is none, and the sources are bundled in memory instead.
 */
const BUILT_DIR = fileURLToPath(new URL('../public/', import.meta.url));

/** The in-memory bundle, made at most once per process (it depends only on the source files). */
let bundled: Promise<WebFile[]> | undefined;

/**
 * Loads the browser files on first use: the built ones when `dist/public/` exists, else a bundle
 * made now with esbuild (a dev dependency, so only where the sources and esbuild are: tests and
 * development). A failure is not remembered, so the next request tries again.
 */
export function createWebAssets(options: { dir?: string } = {}): WebAssets {
  let loading: Promise<ReadonlyMap<string, WebAsset>> | undefined;
  const dir = options.dir ?? BUILT_DIR;
  return () => {
    loading ??= loadFiles(dir)
      .then(toAssets)
      .catch((error: unknown) => {
        loading = undefined;
        throw error;
      });
    return loading;
  };
}

async function loadFiles(dir: string): Promise<WebFile[]> {
  if (existsSync(dir)) {
    const names = await readdir(dir);
    return Promise.all(
      names.map(async (name) => ({ name, body: await readFile(join(dir, name)) })),
    );
  }
  bundled ??= bundleWeb().catch((error: unknown) => {
    bundled = undefined;
    throw error;
  });
  return bundled;
}

function toAssets(files: readonly WebFile[]): ReadonlyMap<string, WebAsset> {
  const assets = new Map<string, WebAsset>();
  for (const file of files) {
    const contentType = CONTENT_TYPES[extname(file.name)];
    if (contentType === undefined) continue;
    const hash = createHash('sha256').update(file.body).digest('base64url').slice(0, 27);
    assets.set(file.name, { body: file.body, contentType, etag: `"${hash}"` });
  }
  return assets;
}
