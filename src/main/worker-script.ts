// Where the pool's worker entry point is (worker-entry.cts: CommonJS, for piscina's require()).
// Workers always load compiled JavaScript: next to this file in dist/, beside the bundled command
// in dist/cli/ (scripts/bundle-cli.ts), or — when this file runs from TypeScript sources (tests) —
// the built copy in dist/.

import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConfigError } from '../codec/errors/client-errors.js';

export function workerScriptUrl(): string {
  const sibling = fileURLToPath(new URL('../worker/pool/worker-entry.cjs', import.meta.url));
  if (existsSync(sibling)) return pathToFileURL(sibling).href;
  const bundled = new URL('./worker-entry.cjs', import.meta.url);
  if (existsSync(fileURLToPath(bundled))) return bundled.href;
  const built = sibling.replace(/([\\/])src([\\/]worker[\\/]pool[\\/]worker-entry\.cjs)$/, '$1dist$1src$2');
  if (built !== sibling && existsSync(built)) return pathToFileURL(built).href;
  throw new ConfigError(`the pool's worker script is missing (looked for ${sibling}${built !== sibling ? ` and ${built}` : ''}): run \`npm run build\` first`);
}
