// Bundles the `pgloom` command into dist/cli/ after tsc: a shell script pays the command's start-up
// on every run, and Node's ES module loader spends ~1 ms per file — the ~155 modules behind
// connect() took ~200 ms to load against ~90 ms for pg + pg-copy-streams, most of the gap on a
// 500K-line CSV import. Bundled, they load in ~90 ms.
//
// Layout: the command, its pool worker (worker-bundle.js, loaded through a copy of the compiled
// CommonJS worker-entry.cjs) and its Parquet encoder worker as entry points, and the
// chunks of what a subcommand imports on demand, all in one directory. The workers are found
// relative to the code that starts them (src/main/worker-script.ts, src/cli/export/parquet-sink.ts),
// which from any chunk here is this same directory.
//
// Left external, loaded from node_modules as the library loads them: piscina (its own worker
// script is a file of its package), parquet-wasm (its .wasm file sits beside its JavaScript), and
// apache-arrow (one copy of its classes in the process, shared with code that imports it).
//
// node dist/scripts/bundle-cli.js (run by `npm run build`)

import { build } from 'esbuild';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const compiled = join(root, 'dist', 'src');
export const bundleDirectory = join(root, 'dist', 'cli');

await build({
  entryPoints: [
    { in: join(compiled, 'cli', 'main.js'), out: 'pgloom' },
    // Named as in dist/src, for worker-entry.cjs (copied beside it below) to import.
    { in: join(compiled, 'worker', 'pool', 'worker-main.js'), out: 'worker-bundle' },
    { in: join(compiled, 'cli', 'export', 'parquet-encoder-worker.js'), out: 'parquet-encoder-worker' },
  ],
  outdir: bundleDirectory,
  bundle: true,
  // Subcommands stay in chunks of their own, loaded when one runs: `--help` parses none of them.
  splitting: true,
  chunkNames: 'chunk-[hash]',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['piscina', 'parquet-wasm', 'apache-arrow'],
  // No source map: one would name node_modules' files, which the package does not ship, and the
  // command reports errors by message, not by stack.
  sourcemap: false,
  // Less to parse (help ~150 vs ~165 ms); names kept, for errors' and classes' `name`.
  minify: true,
  keepNames: true,
  // commander and cli-progress are CommonJS: their require() of Node's modules needs a real one.
  banner: { js: "import { createRequire as pgloomCreateRequire } from 'node:module'; const require = pgloomCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
// Its source map stays behind, and with it the comment that names it.
const workerEntry = readFileSync(join(compiled, 'worker', 'pool', 'worker-entry.cjs'), 'utf8');
writeFileSync(join(bundleDirectory, 'worker-entry.cjs'), workerEntry.replace(/\n\/\/# sourceMappingURL=.*$/, '\n'));
chmodSync(join(bundleDirectory, 'pgloom.js'), 0o755);
