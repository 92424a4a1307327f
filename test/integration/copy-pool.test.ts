// COPY through the pool, a pinned session and connect({ worker: true }): the same round trips as
// on connect(), files read and written by the worker, and failures that keep nothing and leave
// the pool usable.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createPool, CopyDataError, QueryAbortedError, QueryTimeoutError, type Connection, type Pool, type PooledConnection } from '../../src/main/index.js';
import { connectToTestServer, testDsn, uniqueTable } from '../support/server.js';
import { createFamilyTables, mixedRecord, mixedRowsSql, MIXED_COLUMNS, type FamilyTables } from '../support/copy-tables.js';
import { rejectionOf, within } from '../support/deadlines.js';

const EXACT_TYPES = { timestamp: 'bigint', json: 'string', numeric: 'string', date: 'string' } as const;

describe('COPY through the pool', () => {
  let pool: Pool;
  let db: Connection;
  let tables: FamilyTables;
  let dir: string;
  beforeAll(async () => {
    pool = createPool(testDsn(), { workers: 2, connectionsPerWorker: 2, types: EXACT_TYPES , mainThreadConnections: 0 });
    db = await connectToTestServer();
    tables = await createFamilyTables(db);
    dir = await mkdtemp(join(tmpdir(), 'pgloom-copy-pool-'));
  });
  afterAll(async () => {
    await tables?.drop();
    await pool?.close();
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('copyRecordsToTable: every type family comes back identical', async () => {
    const records = await pool.fetch<unknown[]>(`select * from ${tables.source} order by id`, [], { rowMode: 'array' });
    const target = await tables.emptyCopy();
    expect(await pool.copyRecordsToTable(target, { records })).toBe('COPY 5');
    expect(await tables.rendered(target)).toEqual(await tables.rendered(tables.source));
  });

  for (const format of ['binary', 'csv'] as const) {
    it(`copyFromTable → copyToTable in ${format} through the worker: identical rows`, async () => {
      const chunks: Uint8Array[] = [];
      expect(await pool.copyFromTable(tables.source, { output: (chunk) => void chunks.push(chunk), format })).toBe('COPY 5');
      const target = await tables.emptyCopy();
      expect(await pool.copyToTable(target, { source: Readable.from(chunks), format })).toBe('COPY 5');
      expect(await tables.rendered(target)).toEqual(await tables.rendered(tables.source));
    });
  }

  it('copyFromQuery with parameters, through the pool and on a pinned connection', async () => {
    for (const target of [pool, await pool.acquire()]) {
      const chunks: Uint8Array[] = [];
      expect(await target.copyFromQuery('select i, $2::text from generate_series(1, $1) i', [3, 'a"b'], { output: (c) => void chunks.push(c), format: 'csv' })).toBe('COPY 3');
      expect(Buffer.concat(chunks).toString()).toBe('1,"a""b"\n2,"a""b"\n3,"a""b"\n');
      if ('release' in target) await target.release();
    }
  });

  it('file paths: the worker writes the COPY TO file and reads the COPY FROM file', async () => {
    const path = join(dir, 'family.bin');
    expect(await pool.copyFromQuery(`select * from ${tables.source}`, undefined, { output: path, format: 'binary' })).toBe('COPY 5');
    expect((await readFile(path)).subarray(0, 11)).toEqual(Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'));
    const target = await tables.emptyCopy();
    expect(await pool.copyToTable(target, { source: path, format: 'binary' })).toBe('COPY 5');
    expect(await tables.rendered(target)).toEqual(await tables.rendered(tables.source));
    const missing = await rejectionOf(pool.copyToTable(target, { source: join(dir, 'nope.csv'), format: 'csv' }));
    expect((missing as Error).message).toMatch(/could not read the COPY source file .*nope\.csv.*ENOENT/);
  });

  it('200K mixed rows from JS arrays equal the server\'s own generation of them, and come back out as binary', async () => {
    const mine = uniqueTable('copy_pool_mixed');
    const theirs = uniqueTable('copy_pool_mixed_sql');
    await db.execute(`create unlogged table ${mine} (${MIXED_COLUMNS}); create unlogged table ${theirs} (${MIXED_COLUMNS})`);
    await db.execute(mixedRowsSql(theirs, 200_000));
    const records = Array.from({ length: 200_000 }, (_, i) => mixedRecord(i));
    expect(await pool.copyRecordsToTable(mine, { records })).toBe('COPY 200000');
    // Order-free, so no sort of the rendered rows: each row's text (id included) hashed, summed, counted.
    const digest = (table: string) => db.fetchrow(`select count(*)::int8 as n, sum(hashtextextended(t::text, 0)::numeric)::text as h from ${table} t`);
    expect(await digest(mine)).toEqual(await digest(theirs));
    // And back out through the worker as binary, into the emptied server-made table.
    const chunks: Uint8Array[] = [];
    await pool.copyFromTable(mine, { output: (chunk) => void chunks.push(chunk), format: 'binary' });
    await db.execute(`truncate ${theirs}`);
    expect(await pool.copyToTable(theirs, { source: chunks, format: 'binary' })).toBe('COPY 200000');
    expect(await digest(theirs)).toEqual(await digest(mine));
    await db.execute(`drop table ${mine}; drop table ${theirs}`);
  });

  it('a bad value names record and column; a failing source keeps nothing; abort and timeout keep nothing; the pool stays usable', async () => {
    const target = uniqueTable('copy_pool_fail');
    await db.execute(`create table ${target} (a int4, b timestamptz)`);
    function* records() {
      for (let i = 0; i < 200_000; i++) yield i === 150_001 ? { a: i, b: 'soon' } : { a: i, b: new Date(i * 1000) };
    }
    const bad = await rejectionOf(pool.copyRecordsToTable(target, { records: records() }));
    expect(bad).toBeInstanceOf(CopyDataError);
    expect(bad).toMatchObject({ recordIndex: 150_001, column: 'b', valueType: 'string' });
    async function* failing() {
      for (let i = 0; i < 40; i++) yield Buffer.from(`${i}\t2020-01-01\n`.repeat(10_000));
      throw new Error('upstream closed');
    }
    expect((await rejectionOf(pool.copyToTable(target, { source: failing() })) as Error).message).toBe('upstream closed');
    const controller = new AbortController();
    async function* endless() {
      for (let i = 0; ; i++) {
        if (i === 10) controller.abort();
        yield `${i}\t2020-01-01\n`.repeat(1000);
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    expect(await rejectionOf(pool.copyToTable(target, { source: endless(), signal: controller.signal }))).toBeInstanceOf(QueryAbortedError);
    async function* stalls() {
      yield '1\t2020-01-01\n';
      await new Promise(() => undefined);
    }
    expect(await rejectionOf(pool.copyToTable(target, { source: stalls(), timeout: 300 }))).toBeInstanceOf(QueryTimeoutError);
    const stop = new AbortController();
    let got = 0;
    const out = pool.copyFromQuery("select i, repeat('x', 100) from generate_series(1, 5000000) i", [], {
      signal: stop.signal,
      output: async (chunk) => {
        got += chunk.length;
        if (got > 3_000_000) stop.abort();
      },
    });
    expect(await rejectionOf(out)).toBeInstanceOf(QueryAbortedError);
    // An output that fails: the worker cancels the COPY, the output's error is the call's.
    const failedOutput = pool.copyFromQuery('select i from generate_series(1, 5000000) i', [], {
      output: async () => {
        throw new Error('disk full');
      },
    });
    expect(((await rejectionOf(failedOutput)) as Error).message).toBe('disk full');
    expect(await db.fetchval(`select count(*)::int from ${target}`)).toBe(0);
    // Every connection comes back, and each one works.
    const answers = await within(Promise.all(Array.from({ length: 8 }, (_, i) => pool.fetchval('select $1::int', [i]))), 10_000, 'queries after the failed COPYs');
    expect(answers).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(await pool.copyRecordsToTable(target, { records: [[1, new Date(0)]] })).toBe('COPY 1');
    await db.execute(`drop table ${target}`);
  });
});

describe('COPY on a pinned connection and connect({ worker: true })', () => {
  let pool: Pool;
  beforeAll(() => {
    pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 2 , mainThreadConnections: 0 });
  });
  afterAll(async () => {
    await pool?.close();
  });

  it('runs on the session\'s own connection: a temporary table, inside a transaction that rolls back', async () => {
    const session: PooledConnection = await pool.acquire();
    try {
      await session.execute('create temporary table copy_tmp (a int4, b text)');
      expect(await session.copyRecordsToTable('copy_tmp', { records: [[1, 'x'], { a: 2, b: null }] })).toBe('COPY 2');
      // A string source is a file path, read by the worker.
      expect(((await rejectionOf(session.copyToTable('copy_tmp', { source: '3,three\n4,four\n', format: 'csv' }))) as Error).message).toMatch(/ENOENT/);
      await session.execute('begin');
      expect(await session.copyToTable('copy_tmp', { source: Buffer.from('3,three\n4,four\n'), format: 'csv' })).toBe('COPY 2');
      expect(session.transactionStatus).toBe('transaction');
      await session.execute('rollback');
      const chunks: Uint8Array[] = [];
      expect(await session.copyFromTable('copy_tmp', { output: (c) => void chunks.push(c), format: 'csv' })).toBe('COPY 2');
      expect(Buffer.concat(chunks).toString()).toBe('1,x\n2,\n');
      async function* failing() {
        yield Buffer.from('9,nine\n');
        throw new Error('gone');
      }
      expect((await rejectionOf(session.copyToTable('copy_tmp', { source: failing(), format: 'csv' })) as Error).message).toBe('gone');
      const controller = new AbortController();
      async function* endless() {
        for (let i = 0; ; i++) {
          if (i === 5) controller.abort();
          yield Buffer.from(`${i},x\n`.repeat(1000));
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      expect(await rejectionOf(session.copyToTable('copy_tmp', { source: endless(), format: 'csv', signal: controller.signal }))).toBeInstanceOf(QueryAbortedError);
      const slow = session.copyFromQuery('select i from generate_series(1, 3000000) i', [], { output: () => new Promise((resolve) => setTimeout(resolve, 50)), timeout: 300 });
      expect(await rejectionOf(slow)).toBeInstanceOf(QueryTimeoutError);
      expect(await session.fetchval('select count(*)::int from copy_tmp')).toBe(2);
      expect(session.transactionStatus).toBe('idle');
    } finally {
      await session.release();
    }
  });

  it('connect({ worker: true }) copies both ways', async () => {
    const db = await connect(testDsn(), { worker: true });
    const table = uniqueTable('copy_worker');
    try {
      await db.execute(`create table ${table} (a int4, b int8[])`);
      const records = Array.from({ length: 20_000 }, (_, i) => [i, [BigInt(i), null]]);
      expect(await db.copyRecordsToTable(table, { records })).toBe('COPY 20000');
      const path = join(tmpdir(), `${table}.csv`);
      expect(await db.copyFromTable(table, { output: path, format: 'csv' })).toBe('COPY 20000');
      const text = await readFile(path, 'utf8');
      expect(text.split('\n')[19_999]).toBe('19999,"{19999,NULL}"');
      await writeFile(path, '');
      expect(await db.fetchval(`select sum(a)::int8 from ${table}`)).toBe(199_990_000n);
    } finally {
      await db.execute(`drop table if exists ${table}`);
      await db.close();
    }
  });
});
