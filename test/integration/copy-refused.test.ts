// COPY … FROM STDIN / TO STDOUT through a query method: refused at once with an InterfaceError that
// points to the COPY methods, and the connection stays usable — extended and simple protocol,
// connect() and the pool.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, InterfaceError, type Connection, type Pool } from '../../src/main/index.js';
import { connectToTestServer, testDsn, uniqueTable } from '../support/server.js';
import { rejectionOf, shutDown, within } from '../support/deadlines.js';

const IN = /COPY … FROM STDIN .*copyRecordsToTable or copyToTable/;
const OUT = /COPY … TO STDOUT .*copyFromQuery/;

async function refused(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  const error = await within(rejectionOf(promise), 5000, 'a COPY through a query method');
  expect(error).toBeInstanceOf(InterfaceError);
  expect((error as Error).message).toMatch(pattern);
}

describe('COPY through a connect() connection', () => {
  let db: Connection;
  const table = uniqueTable('copy_refused');
  beforeAll(async () => {
    db = await connectToTestServer();
    await db.execute(`create table ${table}(v int)`);
    await db.execute(`insert into ${table} select generate_series(1, 3)`);
  });
  afterAll(async () => {
    await db?.execute(`drop table if exists ${table}`);
    await db?.close();
  });

  it('fetch(copy … from stdin) fails at once, copies nothing, and the connection stays usable', async () => {
    await refused(db.fetch(`copy ${table} from stdin`), IN);
    expect(db.transactionStatus).toBe('idle');
    expect(await db.fetchval(`select count(*)::int from ${table}`)).toBe(3);
    // Again, now that the statement is cached: the same refusal.
    await refused(db.fetch(`copy ${table} from stdin`), IN);
    expect(await db.fetchval('select 1')).toBe(1);
  });

  it('fetch(copy … to stdout) fails at once; the data is read and discarded', async () => {
    await refused(db.fetch(`copy ${table} to stdout`), OUT);
    await refused(db.fetch('copy (select generate_series(1, 200000)) to stdout'), OUT);
    expect(await db.fetch(`select v from ${table} order by v`)).toEqual([{ v: 1 }, { v: 2 }, { v: 3 }]);
  });

  it('the simple protocol (execute without parameters) refuses both directions too', async () => {
    await refused(db.execute(`copy ${table} from stdin`), IN);
    await refused(db.execute(`select 1; copy ${table} to stdout`), OUT);
    expect(await db.execute('select 1')).toBe('SELECT 1');
    expect(await db.fetchval(`select count(*)::int from ${table}`)).toBe(3);
  });

  it('a query pipelined behind a refused COPY FROM STDIN runs as if alone', async () => {
    for (const copy of [`copy ${table} from stdin`, `/* bulk */ COPY ${table} FROM STDIN`]) {
      const [first, second, third] = await within(Promise.allSettled([
        db.fetch(copy), db.fetch('select 2 as two'), db.execute('select 3'),
      ]), 5000, 'pipelined queries behind a COPY');
      expect(first.status).toBe('rejected');
      expect((first as PromiseRejectedResult).reason).toBeInstanceOf(InterfaceError);
      expect(second).toEqual({ status: 'fulfilled', value: [{ two: 2 }] });
      expect(third).toEqual({ status: 'fulfilled', value: 'SELECT 1' });
    }
  });

  it('inside a transaction the refusal aborts it like any failed statement, and ROLLBACK is clean', async () => {
    await expect(db.transaction(async (tx) => {
      await tx.fetch(`copy ${table} from stdin`);
    })).rejects.toThrow(IN);
    expect(db.transactionStatus).toBe('idle');
    expect(await db.fetchval(`select count(*)::int from ${table}`)).toBe(3);
  });

  it('a COPY to or from a server file is not refused', async () => {
    // Needs superuser or pg_write_server_files; the server's own error says which when missing.
    const path = `/tmp/${table}.csv`;
    const outcome = await db.execute(`copy ${table} to '${path}'`).then((tag) => tag, (error: Error) => error);
    if (outcome instanceof Error) expect(outcome).not.toBeInstanceOf(InterfaceError);
    else expect(outcome).toBe('COPY 3');
  });
});

describe('COPY through the pool', () => {
  let pool: Pool;
  const table = uniqueTable('pool_copy_refused');
  beforeAll(async () => {
    pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 1 });
    await pool.execute(`create table ${table}(v int)`);
    await pool.execute(`insert into ${table} values (1), (2)`);
  });
  afterAll(async () => {
    await pool?.execute(`drop table if exists ${table}`);
    await shutDown(pool);
  });

  it('pool.fetch / query / execute refuse both directions; the pool stays usable', async () => {
    await refused(pool.fetch(`copy ${table} from stdin`), IN);
    await refused(pool.query(`copy ${table} to stdout`), OUT);
    await refused(pool.execute(`copy ${table} from stdin`), IN);
    await refused(pool.execute(`copy ${table} to stdout`), OUT);
    const stream = async () => {
      for await (const batch of pool.stream(`copy ${table} to stdout`)) void batch;
    };
    await refused(stream(), OUT);
    expect(await pool.fetchval(`select count(*)::int from ${table}`)).toBe(2);
  });

  it('a pinned session refuses it, and its transaction rolls back cleanly', async () => {
    await expect(pool.transaction(async (tx) => {
      await tx.execute(`insert into ${table} values (3)`);
      await tx.fetch(`copy ${table} from stdin`);
    })).rejects.toThrow(IN);
    expect(await pool.fetchval(`select count(*)::int from ${table}`)).toBe(2);
  });
});
