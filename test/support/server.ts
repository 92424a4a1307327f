// What integration tests need to reach the test server.

import { inject } from 'vitest';
import { connect, type Connection, type ConnectOptions } from '../../src/main/index.js';

export function testDsn(): string {
  return inject('testServer').dsn;
}

/** The auth/TLS fixture of a cluster this run started; undefined against PGLOOM_TEST_DSN. */
export function fixture() {
  return inject('testServer').fixture;
}

export function connectToTestServer(options: Omit<ConnectOptions, 'dsn'> = {}): Promise<Connection> {
  return connect({ dsn: testDsn(), ...options });
}

/** Run `fn` with a fresh connection, closed afterwards whatever happens. */
export async function withConnection<T>(fn: (db: Connection) => Promise<T>, options: Omit<ConnectOptions, 'dsn'> = {}): Promise<T> {
  const db = await connectToTestServer(options);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** A table name no other test file uses, so files may run in parallel. */
export function uniqueTable(prefix: string): string {
  return `${prefix}_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
}

/** Poll `watcher` until a backend runs a statement containing `sqlFragment`; its pid. */
export async function waitUntilActive(watcher: Connection, sqlFragment: string): Promise<number> {
  for (;;) {
    const pid = await watcher.fetchval<number>("select pid from pg_stat_activity where state = 'active' and query like $1 and pid <> pg_backend_pid()", [`%${sqlFragment}%`]);
    if (pid !== null) return pid;
  }
}

/** Poll `watcher` until backend `pid` runs a statement. */
export async function waitUntilBackendActive(watcher: Connection, pid: number): Promise<void> {
  while ((await watcher.fetchval('select state from pg_stat_activity where pid = $1', [pid])) !== 'active') { /* poll the server */ }
}
