// When a COPY FROM is given up decides what its call may say. Given up before it started (while it
// waited behind a pinned connection's earlier call), it is never sent: QueryAbortedError.
// A COPY FROM given up after all its data has gone to the server (CopyDone sent) can no longer be
// ended with CopyFail: the server goes on and commits it. The call must then say so — end with the
// COPY's command tag, the rows being in the table — and never claim that the table keeps nothing,
// which would make a caller that retries load the rows twice. Here the server is held in the
// COPY's commit by a deferred constraint trigger that sleeps, and the abort fires while
// pg_stat_activity shows it sleeping there.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError, createPool, QueryAbortedError, type Connection, type Pool } from '../../src/main/index.js';
import { rejectionOf, shutDown, waitFor, within } from '../support/deadlines.js';
import { connectToTestServer, testDsn, uniqueTable } from '../support/server.js';

describe('a COPY FROM given up once all its data was sent', () => {
  let direct: Connection;
  beforeAll(async () => {
    direct = await connectToTestServer();
  });
  afterAll(async () => {
    await direct?.close();
  });

  /** A table whose every inserted row makes the commit sleep `seconds`. */
  async function slowCommitTable(seconds: number): Promise<string> {
    const table = uniqueTable('copy_late');
    await direct.execute(`create table ${table} (id int4)`);
    await direct.execute(`create function ${table}_slow() returns trigger language plpgsql as $$ begin perform pg_sleep(${seconds}); return null; end $$`);
    await direct.execute(`create constraint trigger ${table}_slow after insert on ${table} deferrable initially deferred for each row execute function ${table}_slow()`);
    return table;
  }

  async function dropTable(table: string): Promise<void> {
    await direct.execute(`drop table if exists ${table}`);
    await direct.execute(`drop function if exists ${table}_slow()`);
  }

  /** Resolves once a backend sleeps in the commit of a COPY into `table`: its CopyDone has arrived. */
  function committing(table: string): Promise<true> {
    return waitFor(async () => {
      const rows = await direct.fetch("select 1 from pg_stat_activity where query like $1 and wait_event = 'PgSleep' and pid <> pg_backend_pid()", [`copy "${table}"%`]);
      return rows.length > 0 ? true : undefined;
    }, 10_000, `a COPY into ${table} committing`);
  }

  type Copier = { copyRecordsToTable(table: string, options: { records: unknown[][]; signal?: AbortSignal }): Promise<string> };

  async function abortWhileCommitting(on: Copier): Promise<void> {
    const table = await slowCommitTable(0.5);
    try {
      const controller = new AbortController();
      const copying = on.copyRecordsToTable(table, { records: [[1]], signal: controller.signal });
      copying.catch(() => undefined);
      await committing(table);
      controller.abort();
      expect(await within(copying, 10_000, 'the COPY given up late')).toBe('COPY 1');
      expect(await direct.fetchval(`select count(*)::int4 from ${table}`)).toBe(1);
    } finally {
      await dropTable(table);
    }
  }

  it('on connect(): the call ends with the COPY\'s tag and the row is in the table', async () => {
    const db = await connectToTestServer();
    try {
      await abortWhileCommitting(db);
      expect(await db.fetchval('select 42')).toBe(42);
    } finally {
      await db.close();
    }
  });

  for (const [where, options] of [['a worker', { mainThreadConnections: 0 }], ['the main thread', {}]] as const) {
    it(`through the pool, on ${where}: the call ends with the COPY's tag and the row is in the table`, async () => {
      const pool: Pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 1, ...options });
      try {
        await abortWhileCommitting(pool);
        expect(await within(pool.fetchval('select 42'), 5000, 'the pool afterwards')).toBe(42);
      } finally {
        await shutDown(pool);
      }
    });
  }

  it('on a pinned connection in a worker: the same', async () => {
    const pool: Pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 1, mainThreadConnections: 0 });
    try {
      const pinned = await within(pool.acquire(), 5000, 'acquire()');
      try {
        await abortWhileCommitting(pinned);
        expect(await pinned.fetchval('select 42')).toBe(42);
      } finally {
        await pinned.release();
      }
    } finally {
      await shutDown(pool);
    }
  });

  it('on a pinned connection in a worker, given up while it waits behind an earlier call: QueryAbortedError at once, never sent', async () => {
    const table = uniqueTable('copy_early');
    await direct.execute(`create table ${table} (id int4)`);
    const pool: Pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 1, mainThreadConnections: 0 });
    try {
      const pinned = await within(pool.acquire(), 5000, 'acquire()');
      try {
        let earlierEnded = false;
        const earlier = pinned.fetchval("select 'slept' from pg_sleep(1.5)").finally(() => (earlierEnded = true));
        const controller = new AbortController();
        const copying = pinned.copyToTable(table, { source: [Buffer.from('1\n2\n')], signal: controller.signal });
        copying.catch(() => undefined);
        // One turn: the COPY's call has left for the worker (calls leave at setImmediate), so the
        // abort reaches the worker after it, while the call waits behind the sleep.
        await new Promise((resolve) => setImmediate(resolve));
        controller.abort();
        const error = await rejectionOf(within(copying, 5000, 'the COPY given up early'));
        expect(error).toBeInstanceOf(QueryAbortedError);
        expect((error as Error).message).toMatch(/did not run/);
        // Heard at once, not when the COPY would have had its turn.
        expect(earlierEnded, 'the earlier call had ended before the COPY was refused').toBe(false);
        expect(await earlier).toBe('slept');
        expect(await pinned.fetchval('select 42')).toBe(42);
      } finally {
        await pinned.release();
      }
      expect(await direct.fetchval(`select count(*)::int4 from ${table}`)).toBe(0);
    } finally {
      await shutDown(pool);
      await direct.execute(`drop table if exists ${table}`);
    }
  });

  it('when the server does not end it within cancelGracePeriod, the connection is closed and the error says the outcome is unknown', async () => {
    const table = await slowCommitTable(3);
    const pool: Pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 1, mainThreadConnections: 0, cancelGracePeriod: 200 });
    try {
      const controller = new AbortController();
      const copying = pool.copyRecordsToTable(table, { records: [[1]], signal: controller.signal });
      copying.catch(() => undefined);
      await committing(table);
      controller.abort();
      const error = await rejectionOf(within(copying, 10_000, 'the COPY given up late'));
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as Error).message).toMatch(/cancelGracePeriod \(200 ms\).*whether the table kept the rows is unknown/);
      expect(await within(pool.fetchval('select 42'), 10_000, 'the pool afterwards, on a new connection')).toBe(42);
    } finally {
      await shutDown(pool);
      await direct.execute("select pg_terminate_backend(pid) from pg_stat_activity where query like $1 and pid <> pg_backend_pid()", [`copy "${table}"%`]);
      await dropTable(table);
    }
  });
});
