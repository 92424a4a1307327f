// A bounded soak: 200 callers mixing small queries, large fetches, streams, transactions, COPY
// and aborted calls on one pool, in a process of its own (test/support/soak-child.mjs). Every
// call settles with the right answer or the abort's error, descriptors come back to their start,
// RSS stays bounded, and the process exits by itself after pool.close().

import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { testDsn, uniqueTable } from '../support/server.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');

describe('soak', () => {
  it('200 callers for 15 s: every call settles correctly, nothing leaks, the process exits by itself', async () => {
    const entry = pathToFileURL(join(root, 'dist/src/main/index.js')).href;
    // A child that did not exit by itself would hit this timeout, which fails the test.
    const { stdout } = await run(process.execPath, [join(root, 'test/support/soak-child.mjs'), entry, testDsn(), '15', uniqueTable('soak')], { timeout: 90_000 });
    const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      counts: Record<string, number>;
      settled: number;
      wrong: string[];
      startFds: number;
      endFds: number;
      startRssMb: number;
      endRssMb: number;
      pinnedAtEnd: number;
    };
    console.log(`soak: ${report.settled} calls settled`, report.counts, `fds ${report.startFds} → ${report.endFds}, RSS ${report.startRssMb.toFixed(0)} → ${report.endRssMb.toFixed(0)} MB`);
    expect(report.wrong).toEqual([]);
    for (const kind of ['small', 'large', 'stream', 'transaction', 'copy', 'aborted']) expect(report.counts[kind], kind).toBeGreaterThan(0);
    expect(report.counts.abortedInTime).toBe(report.counts.aborted);
    expect(report.pinnedAtEnd).toBe(0);
    // The pool's sockets, ports and threads are gone; a few descriptors of Node's own may remain.
    expect(report.endFds).toBeLessThanOrEqual(report.startFds);
    expect(report.endRssMb).toBeLessThan(Math.max(512, report.startRssMb * 3));
  }, 120_000);
});
