// Bundles the pool's worker thread into one file after tsc: dist/src/worker/pool/worker-bundle.js,
// which worker-entry.cjs import()s. Node's asynchronous ES module loader takes ~1 ms a file in a
// new thread: the worker's ~100 modules, loaded that way, made a 2-worker pool's first query come
// ~225 ms after createPool(); from one file, ~175 ms. (piscina's synchronous require() of them took
// ~185–230 ms, and a termination could turn it into a process abort: see worker-entry.cts.)
//
// Not minified, with a source map: a worker's stack traces should name pgloom's files and lines.
// Dependencies stay external, loaded from node_modules: the worker imports piscina's `workerData`
// from the copy its main thread runs, and the package ships no dependency's sources for a map.
//
// node dist/scripts/bundle-pool-worker.js (run by `npm run build`)

import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const poolDirectory = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'worker', 'pool');

await build({
  entryPoints: [join(poolDirectory, 'worker-main.js')],
  outfile: join(poolDirectory, 'worker-bundle.js'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['piscina', 'comlink'],
  sourcemap: 'linked',
  logLevel: 'warning',
});
