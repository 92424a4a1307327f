// What the server itself does to a session, kept as tests: statement_timeout, lock_timeout and
// idle_in_transaction_session_timeout on connect() and pooled connections, and a backend
// terminated under a pool. Each ends the call with the server's own error class and leaves the
// connection (or the pool) serving.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConnectionError, createPool, IdleInTransactionSessionTimeoutError, LockNotAvailableError, QueryCanceledError,
  type Connection, type Pool, type PooledConnection, type Session,
} from '../../src/main/index.js';
import { rejectionOf, shutDown, waitFor, within } from '../support/deadlines.js';
import { connectToTestServer, testDsn, uniqueTable } from '../support/server.js';

describe('faults the server raises', () => {
  let watcher: Connection;
  let pool: Pool;
  const table = uniqueTable('server_faults');

  beforeAll(async () => {
    watcher = await connectToTestServer();
    pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 3 });
    await watcher.execute(`create table ${table} (id int4 primary key)`);
    await watcher.execute(`insert into ${table} values (1)`);
  });

  afterAll(async () => {
    await watcher?.execute(`drop table if exists ${table}`);
    await watcher?.close();
    if (pool !== undefined) await shutDown(pool);
  });

  async function sessions(): Promise<[string, Session, () => Promise<void>][]> {
    const inline = await connectToTestServer();
    const pinned: PooledConnection = await pool.acquire();
    return [['connect()', inline, () => inline.close()], ['pool.acquire()', pinned, () => pinned.release()]];
  }

  it('statement_timeout: QueryCanceledError, and the next statement runs', async () => {
    for (const [name, db, done] of await sessions()) {
      await db.execute('set statement_timeout = 100');
      expect(await rejectionOf(db.fetch('select pg_sleep(5)')), name).toBeInstanceOf(QueryCanceledError);
      expect(await db.fetchval('select 1'), name).toBe(1);
      await db.execute('reset statement_timeout');
      await done();
    }
    const timed = createPool(testDsn(), { workers: 1, connectionsPerWorker: 1, init: 'set statement_timeout = 100' });
    try {
      expect(await rejectionOf(timed.fetch('select pg_sleep(5)'))).toBeInstanceOf(QueryCanceledError);
      expect(await timed.fetchval('select 2')).toBe(2);
    } finally {
      await shutDown(timed);
    }
  });

  it('lock_timeout: LockNotAvailableError while another session holds the lock; the transaction is failed, not the connection', async () => {
    const holder = await connectToTestServer();
    try {
      await holder.execute('BEGIN');
      await holder.execute(`lock table ${table} in access exclusive mode`);
      for (const [name, db, done] of await sessions()) {
        await db.execute('set lock_timeout = 100');
        const error = await db.transaction(async () => db.fetch(`select * from ${table} for update`)).then(() => undefined, (e: unknown) => e);
        expect(error, name).toBeInstanceOf(LockNotAvailableError);
        expect(db.transactionStatus, name).toBe('idle');
        expect(await db.fetchval('select 3'), name).toBe(3);
        await db.execute('reset lock_timeout');
        await done();
      }
    } finally {
      await holder.execute('ROLLBACK');
      await holder.close();
    }
  });

  it('idle_in_transaction_session_timeout: the server ends the session; its next call fails typed, the pool serves on', async () => {
    for (const [name, db, done] of await sessions()) {
      const ended = new Promise<Error | undefined>((resolve) => db.addTerminationListener((_c, error) => resolve(error)));
      await db.execute('set idle_in_transaction_session_timeout = 100');
      await db.execute('BEGIN');
      if (name === 'connect()') {
        // The server's FATAL arrives with no call in flight: the connection reports it as lost.
        const lost = await within(ended, 10_000, `${name}: the session to end`);
        expect(lost, name).toBeInstanceOf(ConnectionError);
        expect((lost as Error).message, name).toMatch(/idle-in-transaction timeout/);
        expect((lost as Error & { cause?: unknown }).cause, name).toBeInstanceOf(IdleInTransactionSessionTimeoutError);
        expect(await rejectionOf(db.fetchval('select 1')), name).toBeInstanceOf(ConnectionError);
      } else {
        // A pinned session learns of it from its next call.
        const pid = (db as PooledConnection).processId;
        await waitFor(async () => ((await watcher.fetchval('select count(*)::int4 from pg_stat_activity where pid = $1', [pid])) === 0 ? true : undefined), 10_000, `${name}: the backend to end`);
        expect(await rejectionOf(db.fetchval('select 1')), name).toBeInstanceOf(ConnectionError);
      }
      await done().catch(() => undefined);
    }
    expect(await pool.fetchval('select 4')).toBe(4);
  });

  it('a backend terminated under the pool fails only its own call; the next call gets a new connection', async () => {
    const tag = `pgloom_faults_${process.pid}`;
    const running = rejectionOf(pool.fetch(`select pg_sleep(30), '${tag}'`));
    const pid = await waitFor(async () => (await watcher.fetchval<number>("select pid from pg_stat_activity where query like $1 and state = 'active' and pid <> pg_backend_pid()", [`%${tag}%`])) ?? undefined, 10_000, 'the statement to start');
    await watcher.execute('select pg_terminate_backend($1)', [pid]);
    const error = await within(running, 10_000, 'the terminated call');
    // 57P01 (admin shutdown) as the server says it, or the connection it closed.
    expect(error instanceof ConnectionError || (error as { code?: string }).code === '57P01').toBe(true);
    expect(await pool.fetchval('select pg_backend_pid() <> $1', [pid])).toBe(true);
  });
});
