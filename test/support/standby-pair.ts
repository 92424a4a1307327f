// A primary and a streaming hot standby from the run's PostgreSQL binaries (embedded, or Debian's), for tests of
// target_session_attrs, failover and promotion. The standby is a cold copy of the primary's
// data directory (the embedded package has no pg_basebackup) with standby.signal and
// primary_conninfo; both trust local TCP connections, as a throw-away pair may.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, serverBinaries, serverUser } from '../../scripts/local-postgres.js';

export interface Server {
  port: number;
  dsn: string;
}

export interface StandbyPair {
  primary: Server;
  standby: Server;
  /** Stop the primary at once (immediate shutdown), as a crash would. */
  killPrimary(): Promise<void>;
  stop(): Promise<void>;
}

interface Running {
  child: ChildProcess;
  log: string[];
}

function start(postgres: string, dataDir: string, owner: { uid: number; gid: number } | undefined, readyText: string): Promise<Running> {
  const child = spawn(postgres, ['-D', dataDir], { ...owner, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
  const log: string[] = [];
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      log.push(chunk.toString());
      if (log.join('').includes(readyText)) resolve({ child, log });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`postgres (${dataDir}) exited with code ${code} before it was ready:\n${log.join('')}`)));
  });
}

async function stopped(running: Running, signal: NodeJS.Signals): Promise<void> {
  if (running.child.exitCode !== null || running.child.signalCode !== null) return;
  const exited = new Promise((resolve) => running.child.once('exit', resolve));
  running.child.kill(signal);
  await exited;
}

export async function startStandbyPair(): Promise<StandbyPair> {
  const owner = serverUser();
  // The same server as the run's (scripts/test-pg15.sh runs the suite again on Debian's).
  const { initdb, postgres } = await serverBinaries(process.env.PGLOOM_TEST_SERVER === 'debian' ? 'debian' : 'embedded', owner);
  const root = mkdtempSync(join(tmpdir(), 'pgloom-standby-'));
  chmodSync(root, 0o755);
  if (owner) chownSync(root, owner.uid, owner.gid);
  const primaryDir = join(root, 'primary');
  const standbyDir = join(root, 'standby');
  execFileSync(initdb, ['-D', primaryDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C'], { ...owner, stdio: 'pipe' });
  const [primaryPort, standbyPort] = [await freePort(), await freePort()];
  const common = [
    "listen_addresses = '127.0.0.1'",
    `unix_socket_directories = '${root}'`,
    'shared_buffers = 32MB',
    'max_connections = 60',
    'fsync = off',
    'wal_level = replica',
    'hot_standby = on',
    '',
  ];
  appendFileSync(join(primaryDir, 'postgresql.conf'), [`port = ${primaryPort}`, ...common].join('\n'));
  writeFileSync(join(primaryDir, 'pg_hba.conf'), 'host all all 127.0.0.1/32 trust\nhost replication all 127.0.0.1/32 trust\n');
  // A clean shutdown leaves a consistent data directory to copy.
  await stopped(await start(postgres, primaryDir, owner, 'ready to accept connections'), 'SIGINT');
  execFileSync('cp', ['-a', primaryDir, standbyDir]);
  appendFileSync(join(standbyDir, 'postgresql.conf'), [`port = ${standbyPort}`, `primary_conninfo = 'host=127.0.0.1 port=${primaryPort} user=postgres'`, ''].join('\n'));
  writeFileSync(join(standbyDir, 'standby.signal'), '');
  if (owner) chownSync(join(standbyDir, 'standby.signal'), owner.uid, owner.gid);
  const primary = await start(postgres, primaryDir, owner, 'ready to accept connections');
  const standby = await start(postgres, standbyDir, owner, 'ready to accept read-only connections').catch(async (error: unknown) => {
    await stopped(primary, 'SIGINT');
    throw error;
  });
  const dsn = (port: number) => `postgresql://postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
  return {
    primary: { port: primaryPort, dsn: dsn(primaryPort) },
    standby: { port: standbyPort, dsn: dsn(standbyPort) },
    killPrimary: () => stopped(primary, 'SIGQUIT'),
    async stop() {
      await Promise.all([stopped(primary, 'SIGINT'), stopped(standby, 'SIGINT')]);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
