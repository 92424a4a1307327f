// A pool closed while its worker threads start: Node.js 20.19+ require()s an ES module
// synchronously, and piscina require()s the worker's script, so a thread terminated in that
// moment aborted the whole process ("v8::Module::IsGraphAsync must be used on an instantiated
// module", one CI run). The worker entry is CommonJS and import()s the rest (worker-entry.cts).

import { execFile } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { testDsn } from '../support/server.js';

const run = promisify(execFile);

describe('terminating a pool while its worker threads start', () => {
  it('leaves the process running, whenever in the start-up it comes', async () => {
    const child = fileURLToPath(new URL('../support/terminate-while-starting-child.mjs', import.meta.url));
    const index = pathToFileURL(fileURLToPath(new URL('../../dist/src/main/index.js', import.meta.url))).href;
    // A process that aborts rejects here with its signal and the fatal error's text on stderr.
    const { stdout } = await run(process.execPath, [child, index, testDsn(), '90'], { encoding: 'utf8', timeout: 90_000 });
    const report = JSON.parse(stdout) as { startMs: number; delays: number[]; answered: number };
    expect(report.delays).toHaveLength(90);
    // The sweep spanned the start-up: some pools were cut before they could answer, some after.
    expect(report.answered).toBeGreaterThan(0);
    expect(report.answered).toBeLessThan(90);
  }, 100_000);
});
