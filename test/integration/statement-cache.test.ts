// The statement cache's limits, as asyncpg's: statementCacheSize, maxCachedStatementLifetime and
// maxCacheableStatementSize, on connect() and through the pool.

import { describe, expect, it } from 'vitest';
import { ConfigError, createPool, type Queryable } from '../../src/main/index.js';
import { rejectionOf, shutDown } from '../support/deadlines.js';
import { connectToTestServer, testDsn } from '../support/server.js';

/** The server-side names this session's cached statements of `sql` have now. */
async function preparedNames(db: Queryable, sql: string): Promise<string[]> {
  return db.fetch<{ name: string }>("select name from pg_prepared_statements where statement = $1 and name like 'pgloom\\_%' order by name", [sql])
    .then((rows) => rows.map((row) => row.name));
}

describe('the statement cache', () => {
  it('prepares a statement again once it is older than maxCachedStatementLifetime', async () => {
    const db = await connectToTestServer({ maxCachedStatementLifetime: 50 });
    try {
      const sql = 'select $1::int4 + 100 as lifetime_probe';
      expect(await db.fetchval(sql, [1])).toBe(101);
      const first = await preparedNames(db, sql);
      expect(first).toHaveLength(1);
      // Time passes on the server's clock, not by a sleep here: a statement 60 ms long.
      await db.execute('select pg_sleep(0.06)');
      expect(await db.fetchval(sql, [2])).toBe(102);
      const second = await preparedNames(db, sql);
      expect(second).toHaveLength(1);
      expect(second[0]).not.toBe(first[0]);
    } finally {
      await db.close();
    }
  });

  it('keeps a statement for good with maxCachedStatementLifetime 0', async () => {
    const db = await connectToTestServer({ maxCachedStatementLifetime: 0 });
    try {
      const sql = 'select $1::int4 + 200 as forever_probe';
      await db.fetchval(sql, [1]);
      const first = await preparedNames(db, sql);
      await db.execute('select pg_sleep(0.06)');
      await db.fetchval(sql, [1]);
      expect(await preparedNames(db, sql)).toEqual(first);
    } finally {
      await db.close();
    }
  });

  it('does not cache SQL longer than maxCacheableStatementSize, on connect() and in the pool', async () => {
    const short = 'select $1::int4 as short_probe';
    const long = `select $1::int4 as long_probe /* ${'x'.repeat(200)} */`;
    const db = await connectToTestServer({ maxCacheableStatementSize: 100 });
    const pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 1, maxCacheableStatementSize: 100 });
    try {
      for (const runner of [db, pool]) {
        expect(await runner.fetchval(short, [1])).toBe(1);
        expect(await runner.fetchval(long, [2])).toBe(2);
        expect(await runner.fetchval(long, [3])).toBe(3);
        expect(await preparedNames(runner, short)).toHaveLength(1);
        expect(await preparedNames(runner, long)).toHaveLength(0);
      }
    } finally {
      await db.close();
      await shutDown(pool);
    }
  });

  it('refuses limits that are not non-negative integers', async () => {
    expect(await rejectionOf(connectToTestServer({ maxCachedStatementLifetime: -1 }))).toBeInstanceOf(ConfigError);
    expect(() => createPool(testDsn(), { maxCacheableStatementSize: 1.5 })).toThrow(ConfigError);
  });
});
