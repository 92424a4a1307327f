// void decodes to null, and arrays of text-only built-ins (aclitem[]) to arrays of strings: on a
// connect() connection (the row path) and through the pool (rows and the batch path), checked
// against the server's own text of each element.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrayLowerBounds, createPool, type Connection, type Pool } from '../../src/main/index.js';
import { connectToTestServer, testDsn, uniqueTable } from '../support/server.js';

// A role whose name needs quoting in an aclitem ("…" with a doubled quote), and whose aclitem
// then needs quoting and backslash escapes inside an array literal: comma, braces, quote, backslash.
const oddRole = `pgloom acl "q", {b} \\ ${process.pid}`;
const quotedIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

describe('void and arrays of text-only built-ins', () => {
  let db: Connection;
  let pool: Pool;
  /** The test role: owner and grantor of everything here (a plain name, printed unquoted). */
  let me: string;
  const table = uniqueTable('acl_probe');

  beforeAll(async () => {
    db = await connectToTestServer();
    me = (await db.fetchval<string>('select current_user'))!;
    pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 2 });
    await db.execute(`create role ${quotedIdent(oddRole)}`);
    await db.execute(`create table ${table} (id int)`);
    await db.execute(`grant select, insert on ${table} to ${quotedIdent(oddRole)}`);
    await db.execute(`grant select on ${table} to public`);
  });

  afterAll(async () => {
    await db?.execute(`drop table if exists ${table}`);
    await db?.execute(`drop role if exists ${quotedIdent(oddRole)}`);
    await pool?.close();
    await db?.close();
  });

  /** Every way a caller reads rows: connect(), pool.fetch (small results), the batch path, a stream. */
  async function rowsEverywhere(sql: string): Promise<Record<string, unknown>[][]> {
    const batchRows = (await pool.query(sql)).batches.flatMap((batch) => batch.toRows());
    const streamed: Record<string, unknown>[] = [];
    for await (const batch of pool.stream(sql)) streamed.push(...batch.toRows());
    return [await db.fetch(sql), await pool.fetch(sql), batchRows, streamed];
  }

  it('void decodes to null: a void value, a NULL void, and pg_sleep(0)', async () => {
    for (const rows of await rowsEverywhere("select ''::void as empty, null::void as nothing, pg_sleep(0) as slept")) {
      expect(rows).toEqual([{ empty: null, nothing: null, slept: null }]);
    }
    expect(await db.fetchval('select pg_sleep(0)')).toBeNull();
    expect(await pool.fetchval('select pg_sleep(0)')).toBeNull();
    const result = await pool.query('select pg_sleep(0) as slept from generate_series(1, 3)');
    expect(result.columns[0].typeName).toBe('void');
    expect(result.column('slept')).toEqual([null, null, null]);
  });

  it('a record holding a void field decodes, the field as null', async () => {
    for (const rows of await rowsEverywhere("select row(1, pg_sleep(0), 'x') as r")) {
      expect(rows).toEqual([{ r: [1, null, 'x'] }]);
    }
  });

  it('relacl (aclitem[]) decodes to the server text of each element, the odd role quoted and escaped', async () => {
    const sql = `select relacl, array(select a::text from unnest(relacl) a) as texts from pg_class where relname = '${table}'`;
    for (const [row] of await rowsEverywhere(sql)) {
      expect(row.relacl).toEqual(row.texts);
      const items = row.relacl as string[];
      expect(items).toContain(`${quotedIdent(oddRole)}=ar/${me}`);
      expect(items).toContain(`=r/${me}`);
    }
  });

  it('every relacl in pg_class decodes to its elements', async () => {
    const sql = 'select relacl, array(select a::text from unnest(relacl) a) as texts from pg_class where relacl is not null';
    const rows = await pool.fetch(sql);
    expect(rows.length).toBeGreaterThan(0);
    expect((await pool.query(sql)).columns[0].typeName).toBe('_aclitem');
    for (const row of rows) expect(row.relacl).toEqual(row.texts);
  });

  it('aclitem[] literals: NULL elements, empty, two dimensions and lower bounds', async () => {
    const sql = `select '{${me}=arwdDxt/${me},NULL,=r/${me}}'::aclitem[] as with_null,
      '{}'::aclitem[] as empty, null::aclitem[] as absent,
      '{{=r/${me},${me}=a/${me}},{NULL,=w/${me}}}'::aclitem[] as square,
      '[0:1]={=r/${me},NULL}'::aclitem[] as from_zero`;
    for (const [row] of await rowsEverywhere(sql)) {
      expect(row.with_null).toEqual([`${me}=arwdDxt/${me}`, null, `=r/${me}`]);
      expect(row.empty).toEqual([]);
      expect(row.absent).toBeNull();
      expect(row.square).toEqual([[`=r/${me}`, `${me}=a/${me}`], [null, `=w/${me}`]]);
      expect(row.from_zero).toEqual([`=r/${me}`, null]);
      expect(arrayLowerBounds(row.from_zero as unknown[])).toEqual([0]);
    }
  });

  it('an aclitem[] parameter is sent as an array of strings', async () => {
    const items = [`${quotedIdent(oddRole)}=r/${me}`, null, `=w/${me}`];
    const sql = 'select $1::aclitem[] as acl, array(select a::text from unnest($1::aclitem[]) a) as texts';
    expect(await db.fetchrow(sql, [items])).toEqual({ acl: items, texts: items });
    expect(await pool.fetchrow(sql, [items])).toEqual({ acl: items, texts: items });
  });

  it('other built-in arrays without element codecs (refcursor[]) decode to strings', async () => {
    const sql = `select '{a,"b c",NULL}'::refcursor[] as cursors`;
    for (const [row] of await rowsEverywhere(sql)) expect(row.cursors).toEqual(['a', 'b c', null]);
  });
});
