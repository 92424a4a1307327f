// Partitioned parallel fetch: one query split into range queries on a column, run on several
// connections at once in one snapshot, equal to the query run whole.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, InterfaceError, type Pool } from '../../src/main/index.js';
import { rejectionOf, shutDown, waitFor, within } from '../support/deadlines.js';
import { testDsn, uniqueTable } from '../support/server.js';

describe('partitioned parallel fetch', () => {
  let pool: Pool;
  const table = uniqueTable('partitioned');
  const sql = `select id, ts, d, x, n, label from ${table} where id is distinct from $1`;

  beforeAll(async () => {
    pool = createPool(testDsn(), { workers: 2, connectionsPerWorker: 3 });
    await pool.execute(`create table ${table} as
      select case when i % 97 = 0 then null else i end::int4 as id,
             timestamptz '2024-01-01 00:00:00.000001+00' + i * interval '1 second 7 microseconds' as ts,
             date '2000-01-01' + (i % 3000) as d,
             (i * 1.25)::float8 as x,
             (i / 7.0)::numeric(20, 6) as n,
             'row ' || i as label
      from generate_series(1, 6000) i`);
  });

  afterAll(async () => {
    await pool?.execute(`drop table if exists ${table}`);
    if (pool !== undefined) await shutDown(pool);
  });

  /** Rows as comparable strings, sorted: partitions come in range order, rows within them in any order. */
  function canonical(rows: Record<string, unknown>[]): string[] {
    return rows.map((row) => JSON.stringify(row, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value))).sort();
  }

  it('returns exactly the rows of the whole query, for every kind of column and several partition counts', async () => {
    const whole = await pool.query(sql, [-1]);
    expect(whole.numRows).toBe(6000);
    const expected = canonical(whole.rows);
    for (const partitionOn of ['id', 'ts', 'd', 'x', 'n']) {
      for (const partitions of [1, 4]) {
        const split = await pool.query(sql, [-1], { partitionOn, partitions });
        expect(split.command, `${partitionOn} × ${partitions}`).toBe('SELECT 6000');
        expect(split.numRows, `${partitionOn} × ${partitions}`).toBe(6000);
        expect(canonical(split.rows), `${partitionOn} × ${partitions}`).toEqual(expected);
        expect(Array.from(split.column('label') as string[]).length).toBe(6000);
      }
    }
  });

  it('streams the partitions as batches in range order, equal to the whole query', async () => {
    const whole = canonical((await pool.query(sql, [-1])).rows);
    const rows: Record<string, unknown>[] = [];
    let lastMax = -Infinity;
    let batches = 0;
    // Small batches: each partition's portal is read in several round trips.
    const chunked = createPool(testDsn(), { workers: 2, connectionsPerWorker: 2, batchRows: 500 });
    try {
      for await (const batch of chunked.stream(sql, [-1], { partitionOn: 'id', partitions: 3 })) {
        batches++;
        const ids = Array.from(batch.column('id') as Int32Array).filter((_id, i) => !batch.isNull('id', i));
        if (ids.length > 0) {
          expect(Math.min(...ids)).toBeGreaterThan(lastMax);
          lastMax = Math.max(...ids);
        }
        rows.push(...batch.toRows());
      }
    } finally {
      await shutDown(chunked);
    }
    expect(batches).toBeGreaterThanOrEqual(12);
    expect(canonical(rows)).toEqual(whole);
    // Leaving early gives every connection back.
    for await (const _batch of pool.stream(sql, [-1], { partitionOn: 'ts', partitions: 4 })) break;
    await waitFor(async () => ((await pool.stats()).connections.pinned === 0 ? true : undefined), 5000, 'the partitions\' connections to come back');
  });

  it('returns the partitions in range order', async () => {
    const split = await pool.query<{ id: number | null }>(`select id from ${table} where id is not null and id <> $1`, [-1], { partitionOn: 'id', partitions: 4 });
    // Each partition's own rows come in any order; the partitions' ranges do not overlap and ascend.
    const ranges = split.batches.map((batch) => {
      const ids = Array.from(batch.column('id') as Int32Array);
      return [Math.min(...ids), Math.max(...ids)];
    });
    for (let i = 1; i < ranges.length; i++) expect(ranges[i][0]).toBeGreaterThan(ranges[i - 1][1]);
  });

  it('splits at given cut points without a range scan, open-ended so no row is lost', async () => {
    const whole = canonical((await pool.query(sql, [-1])).rows);
    for (const [partitionOn, cuts] of [
      ['id', [1000, 2500, 4000]],
      ['ts', ['2024-01-01 00:30:00+00', new Date(Date.UTC(2024, 0, 1, 1))]],
      ['n', ['100.5']],
      ['d', ['2005-06-01']],
    ] as const) {
      const split = await pool.query(sql, [-1], { partitionOn, cuts: [...cuts] });
      expect(split.numRows, partitionOn).toBe(6000);
      expect(canonical(split.rows), partitionOn).toEqual(whole);
      expect(split.batches.length, partitionOn).toBe(cuts.length + 1);
    }
  });

  it('every partition reads the same snapshot', async () => {
    const split = await pool.query<{ snapshot: string }>(`select id, pg_current_snapshot()::text as snapshot from ${table} where id <> $1`, [-1], { partitionOn: 'id', partitions: 5 });
    expect(new Set(split.rows.map((row) => row.snapshot)).size).toBe(1);
  });

  it('keeps rows whose column is NULL (once), and handles results with no values in the column', async () => {
    const nulls = await pool.query(`select id from ${table} where id is null or id < $1`, [10], { partitionOn: 'id', partitions: 3 });
    expect(nulls.numRows).toBe(9 + Math.floor(6000 / 97));
    const none = await pool.query(`select id from ${table} where id > $1`, [1_000_000], { partitionOn: 'id', partitions: 3 });
    expect(none.numRows).toBe(0);
    const onlyNulls = await pool.query(`select id from ${table} where id is null and label <> $1`, [''], { partitionOn: 'id', partitions: 3 });
    expect(onlyNulls.numRows).toBe(Math.floor(6000 / 97));
  });

  it('on a busy pool, partitions share the connections that are free, and concurrent partitioned calls never wait on each other', async () => {
    const small = createPool(testDsn(), { workers: 2, connectionsPerWorker: 2, mainThreadConnections: 0 });
    try {
      const whole = canonical((await small.query(sql, [-1])).rows);
      // Three of the four connections pinned: four partitions run on the one left.
      const pinned = await within(Promise.all([0, 1, 2].map(() => small.acquire())), 5000, 'pinning three connections');
      try {
        expect(canonical((await within(small.query(sql, [-1], { partitionOn: 'id', partitions: 4 }), 10_000, 'four partitions on one connection')).rows)).toEqual(whole);
        const streamed: Record<string, unknown>[] = [];
        for await (const batch of small.stream(sql, [-1], { partitionOn: 'ts', partitions: 3 })) streamed.push(...batch.toRows());
        expect(canonical(streamed)).toEqual(whole);
      } finally {
        for (const connection of pinned) await connection.release();
      }
      // Five at once, four partitions each, on four connections: each once held part of the pool
      // and waited for the rest, forever.
      const together = await within(Promise.all([0, 1, 2, 3, 4].map(async (i) => {
        if (i % 2 === 0) return canonical((await small.query(sql, [-1], { partitionOn: 'id', partitions: 4 })).rows);
        const rows: Record<string, unknown>[] = [];
        for await (const batch of small.stream(sql, [-1], { partitionOn: 'id', partitions: 4 })) rows.push(...batch.toRows());
        return canonical(rows);
      })), 30_000, 'five partitioned calls at once');
      for (const rows of together) expect(rows).toEqual(whole);
    } finally {
      await shutDown(small);
    }
  });

  it('refuses what cannot be split, with errors that say why', async () => {
    expect(((await rejectionOf(pool.query(sql, [-1], { partitionOn: 'label', partitions: 2 }))) as Error).message).toMatch(/numeric, date or timestamp column; this one is text/);
    expect(((await rejectionOf(pool.query(sql, [-1], { partitionOn: 'id', partitions: 7 }))) as Error).message).toMatch(/exceeds the pool's connections \(6\)/);
    expect(await rejectionOf(pool.query(sql, [-1], { partitionOn: 'id', partitions: 0 }))).toBeInstanceOf(InterfaceError);
    expect(((await rejectionOf(pool.query("select x from (values (1.0::float8), ('NaN')) v(x) where x <> $1", [-1], { partitionOn: 'x', partitions: 2 }))) as Error).message).toMatch(/holds NaN/);
    // The pool is whole afterwards: every connection came back.
    expect(await pool.fetchval('select count(*)::int4 from generate_series(1, 6)')).toBe(6);
    // release() frees a connection once its worker has reset it: wait for that, bounded.
    await waitFor(async () => ((await pool.stats()).connections.pinned === 0 ? true : undefined), 5000, 'every partition connection to come back');
  });
});
