// Bundles the pool's worker thread into one file after tsc: dist/src/worker/pool/worker-bundle.js,
// which worker-entry.cjs import()s. Node's asynchronous ES module loader takes ~1 ms a file in a
// new thread, and the worker's ~100 modules made a pool's first query ~225 ms after createPool()
// (~185 ms by piscina's synchronous require(), which a termination could turn into a process
// abort: see worker-entry.cts); from one file, ~125 ms.
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
