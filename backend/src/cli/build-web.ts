// npm run build (after tsc): bundles the browser code (backend/web/) into dist/public/, which the
// compiled gateway serves (backend/src/web/web-assets.ts). esbuild is a build-time dependency only.
import { fileURLToPath } from 'node:url';
import { bundleWeb } from '../web/bundle-web.js';

const OUT_DIR = fileURLToPath(new URL('../public/', import.meta.url));

bundleWeb({ outdir: OUT_DIR }).then(
  (files) => {
    const bytes = files.reduce((sum, file) => sum + file.body.length, 0);
    process.stdout.write(`build-web: ${files.length} files, ${bytes} bytes in ${OUT_DIR}\n`);
  },
  (error: unknown) => {
    process.stderr.write(`build-web: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);
