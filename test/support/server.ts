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
