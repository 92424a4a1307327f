// COPY on connect(): every path round-trips every type family exactly (judged by the server's own
// rendering), and failures — a bad value, a failing source, abort, timeout — keep nothing and
// leave the connection usable.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readable, Writable } from 'node:stream';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CopyDataError, PostgresError, QueryAbortedError, QueryTimeoutError, type Connection } from '../../src/main/index.js';
import { connectToTestServer, uniqueTable } from '../support/server.js';
import { createFamilyTables, mixedRecord, mixedRowsSql, MIXED_COLUMNS, type FamilyTables } from '../support/copy-tables.js';
import { rejectionOf } from '../support/deadlines.js';

/** Exact JS forms: µs timestamps, numeric and json as text. */
const EXACT_TYPES = { timestamp: 'bigint', json: 'string', numeric: 'string', date: 'string' } as const;

describe('COPY on connect()', () => {
  let db: Connection;
  let tables: FamilyTables;
  let dir: string;
  beforeAll(async () => {
    db = await connectToTestServer({ types: EXACT_TYPES });
    tables = await createFamilyTables(db);
    dir = await mkdtemp(join(tmpdir(), 'pgloom-copy-'));
  });
  afterAll(async () => {
    await tables?.drop();
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('copyRecordsToTable: rows fetched as arrays come back identical, every type family', async () => {
    const records = await db.fetch<unknown[]>(`select * from ${tables.source} order by id`, [], { rowMode: 'array' });
    const target = await tables.emptyCopy();
    expect(await db.copyRecordsToTable(target, { records })).toBe(`COPY ${records.length}`);
    expect(await tables.rendered(target)).toEqual(await tables.rendered(tables.source));
  });

  it('copyRecordsToTable: objects keyed by column name, from an async iterable, some columns only', async () => {
    const rows = await db.fetch(`select id, t, jb, comp from ${tables.source} order by id`);
    async function* records() {
      for (const row of rows) yield row;
    }
    const target = await tables.emptyCopy();
    expect(await db.copyRecordsToTable(target, { records: records(), columns: ['id', 't', 'jb', 'comp'] })).toBe(`COPY ${rows.length}`);
    const copied = await db.fetch<string[]>(`select id::text, t, jb::text, comp::text from ${target} order by id`, [], { rowMode: 'array' });
    expect(copied).toEqual(await db.fetch(`select id::text, t, jb::text, comp::text from ${tables.source} order by id`, [], { rowMode: 'array' }));
  });

  for (const format of ['binary', 'csv', 'text'] as const) {
    it(`copyFromTable → copyToTable in ${format}: identical rows`, async () => {
      const chunks: Uint8Array[] = [];
      expect(await db.copyFromTable(tables.source, { output: (chunk) => void chunks.push(chunk), format })).toBe('COPY 5');
      const target = await tables.emptyCopy();
      expect(await db.copyToTable(target, { source: Buffer.concat(chunks), format })).toBe('COPY 5');
      expect(await tables.rendered(target)).toEqual(await tables.rendered(tables.source));
    });
  }

  it('copyFromQuery to a file path, copyToTable from that file path (CSV with header)', async () => {
    const path = join(dir, 'family.csv');
    expect(await db.copyFromQuery(`select * from ${tables.source} where id > 1`, [], { output: path, format: 'csv', header: true })).toBe('COPY 4');
    expect((await readFile(path, 'utf8')).split('\n')[0]).toBe('id,i2,i4,i8,f4,f8,num,t,vc,by,b,d,ts,tstz,iv,u,j,jb,ai,atx,a2,comp,r,tr');
    const target = await tables.emptyCopy();
    expect(await db.copyToTable(target, { source: path, format: 'csv', header: 'match' })).toBe('COPY 4');
    expect(await tables.rendered(target)).toEqual((await tables.rendered(tables.source)).slice(1));
  });

  it('copyToTable from a Readable of small string pieces, and copyFromTable into a Writable', async () => {
    const target = uniqueTable('copy_text');
    await db.execute(`create table ${target} (a int4, b text)`);
    const lines = Array.from({ length: 1000 }, (_, i) => `${i}\tv${i}\n`);
    expect(await db.copyToTable(target, { source: Readable.from(lines), columns: ['a', 'b'] })).toBe('COPY 1000');
    const received: Buffer[] = [];
    const sink = new Writable({ write(chunk: Buffer, _enc, done) { received.push(chunk); setImmediate(done); } });
    expect(await db.copyFromTable(target, { output: sink, columns: ['b', 'a'], format: 'csv', delimiter: ';' })).toBe('COPY 1000');
    expect(Buffer.concat(received).toString()).toBe(lines.map((_, i) => `v${i};${i}\n`).join(''));
    await db.execute(`drop table ${target}`);
  });

  it('a bad value raises CopyDataError naming record, column and type; the table keeps nothing; the connection stays usable', async () => {
    const target = uniqueTable('copy_bad');
    await db.execute(`create table ${target} (a int4, b text)`);
    function* records() {
      for (let i = 0; i < 100_000; i++) yield i === 73_421 ? [i, 42] : [i, `v${i}`];
    }
    const error = await rejectionOf(db.copyRecordsToTable(target, { records: records() }));
    expect(error).toBeInstanceOf(CopyDataError);
    expect(error).toMatchObject({ recordIndex: 73_421, column: 'b', valueType: 'number' });
    expect((error as Error).message).toMatch(/record 73421, column "b" \(text\)/);
    expect(await db.fetchval(`select count(*)::int from ${target}`)).toBe(0);
    expect(await db.copyRecordsToTable(target, { records: [[1, 'ok']] })).toBe('COPY 1');
    await db.execute(`drop table ${target}`);
  });

  it('a source failing mid-stream sends CopyFail: the error is the source\'s, the table unchanged, the connection usable', async () => {
    const target = uniqueTable('copy_fail');
    await db.execute(`create table ${target} (a int4)`);
    await db.execute(`insert into ${target} values (-1)`);
    async function* source() {
      for (let i = 0; i < 50; i++) yield `${i}\n`.repeat(20_000);
      throw new Error('disk on fire');
    }
    const error = await rejectionOf(db.copyToTable(target, { source: source() }));
    expect((error as Error).message).toBe('disk on fire');
    expect(await db.fetch(`select a from ${target}`)).toEqual([{ a: -1 }]);
    expect(await db.fetchval('select 1')).toBe(1);
    await db.execute(`drop table ${target}`);
  });

  it('abort and timeout mid-COPY FROM keep nothing; abort mid-COPY TO cancels; the connection stays usable', async () => {
    const target = uniqueTable('copy_abort');
    await db.execute(`create table ${target} (a int4)`);
    const controller = new AbortController();
    let sent = 0;
    async function* slow() {
      for (;;) {
        yield '1\n'.repeat(1000);
        if (++sent === 5) controller.abort();
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    expect(await rejectionOf(db.copyToTable(target, { source: slow(), signal: controller.signal }))).toBeInstanceOf(QueryAbortedError);
    async function* never() {
      yield '1\n';
      await new Promise(() => undefined);
    }
    expect(await rejectionOf(db.copyToTable(target, { source: never(), timeout: 200 }))).toBeInstanceOf(QueryTimeoutError);
    expect(await db.fetchval(`select count(*)::int from ${target}`)).toBe(0);
    const stop = new AbortController();
    let got = 0;
    const out = db.copyFromQuery('select i, repeat(\'x\', 100) from generate_series(1, 5000000) i', [], {
      signal: stop.signal,
      output: (chunk) => {
        got += chunk.length;
        if (got > 2_000_000) stop.abort();
      },
    });
    expect(await rejectionOf(out)).toBeInstanceOf(QueryAbortedError);
    expect(await db.fetchval('select 2')).toBe(2);
    // An output that fails: the rest is read and dropped, the output's error is the call's.
    const failing = db.copyFromQuery('select i from generate_series(1, 2000000) i', [], {
      output: () => {
        throw new Error('disk full');
      },
    });
    expect(((await rejectionOf(failing)) as Error).message).toBe('disk full');
    expect(await db.fetchval('select 3')).toBe(3);
    await db.execute(`drop table ${target}`);
  });

  it('a COPY of many chunks lets the event loop turn between them: timers fire while it runs', async () => {
    const table = uniqueTable('copy_turns');
    await db.execute(`create temp table ${table} (id int4, name text)`);
    // ~25 bytes a record in binary COPY: about ten chunks of 512 KB.
    let ticks = 0;
    let ticksWhileCopying = -1;
    function* records(): Generator<unknown[]> {
      const before = ticks;
      for (let i = 0; i < 200_000; i++) yield [i, `name ${i}`];
      ticksWhileCopying = ticks - before;
    }
    const timer = setInterval(() => ticks++, 1);
    try {
      expect(await db.copyRecordsToTable(table, { records: records() })).toBe('COPY 200000');
    } finally {
      clearInterval(timer);
    }
    // Before, every chunk waited only for 'drain', which a write taken at once emits on the next tick: no timer ran.
    expect(ticksWhileCopying).toBeGreaterThanOrEqual(3);
    expect(await db.fetchval(`select count(*)::int from ${table}`)).toBe(200_000);
  });

  it('identifiers are quoted: a table, schema and columns with odd names', async () => {
    const schema = `Odd "schema" ${uniqueTable('s')}`;
    await db.execute(`create schema "${schema.replace(/"/g, '""')}"`);
    await db.execute(`create table "${schema.replace(/"/g, '""')}"."My Table" ("Col ""1""" int4, "select" text)`);
    expect(await db.copyRecordsToTable('My Table', { schemaName: schema, records: [[1, 'a'], [2, null]] })).toBe('COPY 2');
    expect(await db.copyRecordsToTable('My Table', { schemaName: schema, columns: ['select'], records: [{ select: 'b' }] })).toBe('COPY 1');
    const chunks: Uint8Array[] = [];
    await db.copyFromTable('My Table', { schemaName: schema, columns: ['Col "1"', 'select'], output: (c) => void chunks.push(c), format: 'csv' });
    expect(Buffer.concat(chunks).toString()).toBe('1,a\n2,\n,b\n');
    await db.execute(`drop schema "${schema.replace(/"/g, '""')}" cascade`);
  });

  it('1M mixed rows from JS arrays through copyRecordsToTable equal the server\'s own generation of them', async () => {
    const mine = uniqueTable('copy_mixed');
    const theirs = uniqueTable('copy_mixed_sql');
    await db.execute(`create unlogged table ${mine} (${MIXED_COLUMNS}); create unlogged table ${theirs} (${MIXED_COLUMNS})`);
    await db.execute(mixedRowsSql(theirs, 1_000_000));
    const records = Array.from({ length: 1_000_000 }, (_, i) => mixedRecord(i));
    expect(await db.copyRecordsToTable(mine, { records })).toBe('COPY 1000000');
    // Order-free, so no sort of 1M rendered rows: each row's text (id included) hashed, summed, counted.
    const digest = (table: string) => db.fetchrow(`select count(*)::int8 as n, sum(hashtextextended(t::text, 0)::numeric)::text as h from ${table} t`);
    expect(await digest(mine)).toEqual(await digest(theirs));
    await db.execute(`drop table ${mine}; drop table ${theirs}`);
  });

  it('column types are cached per table until reloadSchemaState, or until the server refuses the COPY', async () => {
    const table = uniqueTable('copy_cache');
    await db.execute(`create table ${table} (a int4, b text)`);
    expect(await db.copyRecordsToTable(table, { records: [[1, 'x']] })).toBe('COPY 1');
    await db.execute(`alter table ${table} alter column a type int8`);
    // The cached int4 encoder still runs: the server refuses 4 bytes for an int8 …
    const stale = await rejectionOf(db.copyRecordsToTable(table, { records: [[2, 'y']] }));
    expect(stale).toBeInstanceOf(PostgresError);
    expect((stale as PostgresError).message).toMatch(/insufficient data|incorrect binary data/);
    // … and the next COPY looks the table up again.
    expect(await db.copyRecordsToTable(table, { records: [[3n ** 30n, 'z']] })).toBe('COPY 1');
    await db.execute(`alter table ${table} alter column a type text`);
    await db.reloadSchemaState();
    expect(await db.copyRecordsToTable(table, { records: [['four', 'w']] })).toBe('COPY 1');
    expect(await db.fetch(`select a::text, b from ${table} order by b`, [], { rowMode: 'array' })).toEqual([['four', 'w'], ['1', 'x'], ['205891132094649', 'z']]);
    await db.execute(`drop table ${table}`);
  });

  it('COPY options reach the server: where, CSV null/quote/escape/forceNull/forceNotNull/forceQuote, freeze', async () => {
    const table = uniqueTable('copy_opts');
    await db.execute(`create table ${table} (a int4, b text, c text)`);
    expect(await db.copyRecordsToTable(table, { records: [[1, 'skip', null], [2, 'keep', 'x']], where: "b <> 'skip'" })).toBe('COPY 1');
    // A string source is a file path: this one does not exist.
    const options = { format: 'csv', delimiter: '|', quote: '~', escape: '^', null: 'NIL', forceNotNull: ['b'], forceNull: ['c'] } as const;
    expect(((await rejectionOf(db.copyToTable(table, { source: '3|x|y', ...options }))) as Error).message).toMatch(/ENOENT/);
    const csv = '3|~a|b~|NIL\n4|NIL|~NIL~\n5|~x^~y~|z\n';
    expect(await db.copyToTable(table, { source: Buffer.from(csv), ...options })).toBe('COPY 3');
    expect(await db.fetch(`select a, b, c from ${table} order by a`, [], { rowMode: 'array' })).toEqual([[2, 'keep', 'x'], [3, 'a|b', null], [4, 'NIL', null], [5, 'x~y', 'z']]);
    const chunks: Uint8Array[] = [];
    await db.copyFromTable(table, { output: (c) => void chunks.push(c), format: 'csv', columns: ['a', 'b'], forceQuote: ['a'], header: true });
    expect(Buffer.concat(chunks).toString().split('\n').slice(0, 3)).toEqual(['a,b', '"2",keep', '"3",a|b']);
    await db.transaction(async () => {
      await db.execute(`truncate ${table}`);
      expect(await db.copyToTable(table, { source: Buffer.from('9\tf\tz\n'), freeze: true })).toBe('COPY 1');
    });
    await db.execute(`drop table ${table}`);
  });

  it('copyFromQuery inlines its parameters as literals the server quotes, leaving strings and comments alone', async () => {
    const chunks: Uint8Array[] = [];
    const sql = "select $1::int4 + i as n, $2 as s, $3::text as nothing, '$1' as literal, $4::timestamptz as at /* $2 */ from generate_series(1, 2) i where $5 -- $1";
    const params = [40, "it's; drop table x --", null, new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)), true];
    expect(await db.copyFromQuery(sql, params, { output: (c) => void chunks.push(c), format: 'csv' })).toBe('COPY 2');
    expect(Buffer.concat(chunks).toString()).toBe(`41,it's; drop table x --,,$1,2024-01-02 03:04:05.006+00\n42,it's; drop table x --,,$1,2024-01-02 03:04:05.006+00\n`);
    const wrongCount = await rejectionOf(db.copyFromQuery('select $1::int', [1, 2], { output: () => undefined }));
    expect((wrongCount as Error).message).toMatch(/takes 1 parameter\(s\) but 2 were given/);
    expect(await db.fetchval('select 4')).toBe(4);
  });
});
