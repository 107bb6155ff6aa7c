// Builds the desk's UI into dist/: one bundled script (Cytoscape and dagre inside, nothing
// fetched at run time), one stylesheet and index.html. The desk's CSP allows only files
// from its own origin, so there is no inline script or style anywhere.
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');
await rm(dist, { recursive: true, force: true });
await mkdir(join(dist, 'assets'), { recursive: true });
await build({
  entryPoints: [join(root, 'src', 'main.ts')],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  outfile: join(dist, 'assets', 'app.js'),
  logLevel: 'warning',
});
await copyFile(join(root, 'src', 'style.css'), join(dist, 'assets', 'style.css'));
await copyFile(join(root, 'src', 'index.html'), join(dist, 'index.html'));
console.log('web/dist: index.html, assets/app.js, assets/style.css');
