import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One bundled browser file: its name under `/assets/` (or `/embed.js`) and its bytes. */
export interface WebFile {
  name: string;
  body: Buffer;
}

/** The entry points of the browser code (backend/web/), by the file name they bundle to. */
const ENTRIES = [
  { in: 'playground/main.ts', out: 'playground', format: 'esm' },
  { in: 'playground/playground.css', out: 'playground', format: 'esm' },
  { in: 'docs/main.ts', out: 'docs', format: 'esm' },
  { in: 'docs/docs.css', out: 'docs', format: 'esm' },
  // A classic script: `document.currentScript` (the API base) exists only for those.
  { in: 'embed/embed.ts', out: 'embed', format: 'iife' },
] as const;

/**
 * Where the browser sources are: `backend/web/` beside `backend/src/` when running from source,
 * or from `dist/web/` (the compiled build script) two levels up.
 */
export function webSourceDir(): string {
  const candidates = [
    new URL('../../web/', import.meta.url),
    new URL('../../backend/web/', import.meta.url),
  ];
  const found = candidates
    .map((url) => fileURLToPath(url))
    .find((dir) => existsSync(`${dir}playground/main.ts`));
  if (found === undefined) throw new Error('the browser sources (backend/web/) were not found');
  return found;
}

/**
 * Bundles the playground, the docs page and the embed script with esbuild (a build-time
 * dependency, imported only here): minified, for current browsers, no source maps. Returns the
 * files, or writes them to `outdir` too when given.
 */
export async function bundleWeb(options: { outdir?: string } = {}): Promise<WebFile[]> {
  const esbuild = await import('esbuild');
  const source = webSourceDir();
  const files: WebFile[] = [];
  for (const format of ['esm', 'iife'] as const) {
    const result = await esbuild.build({
      entryPoints: ENTRIES.filter((entry) => entry.format === format).map((entry) => ({
        in: `${source}${entry.in}`,
        out: entry.out,
      })),
      bundle: true,
      format,
      // The playground's language modes load on demand, as chunks beside it.
      splitting: format === 'esm',
      chunkNames: 'chunk-[hash]',
      minify: true,
      target: ['es2022', 'chrome111', 'firefox113', 'safari16.4'],
      outdir: '/bundle',
      write: false,
      logLevel: 'silent',
      legalComments: 'none',
      charset: 'utf8',
    });
    for (const file of result.outputFiles) {
      files.push({ name: basename(file.path), body: Buffer.from(file.contents) });
    }
  }
  // Files served as they are (the favicon).
  const staticDir = join(source, 'static');
  for (const name of await readdir(staticDir)) {
    files.push({ name, body: await readFile(join(staticDir, name)) });
  }
  const { outdir } = options;
  if (outdir !== undefined) {
    await mkdir(outdir, { recursive: true });
    await Promise.all(files.map((file) => writeFile(join(outdir, file.name), file.body)));
  }
  return files;
}
