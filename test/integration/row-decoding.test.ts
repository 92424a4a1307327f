// Rows as every reader builds them from the server's bytes: the inline engine's generic loop and
// the decoder it compiles once a statement has decoded enough rows, and the pool's readers. The
// expected values come from the server's own text renderings and from the row number, never
// from pgloom's encoders.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Connection, type Pool } from '../../src/main/index.js';
import { connectToTestServer, testDsn } from '../support/server.js';

// More rows than the inline engine decodes before it compiles a statement's decoder (256), so
// one result holds rows of both; the second run is compiled throughout.
const ROWS = 700;

const MIXED_SQL = `
  select i::int2 as small, i as int, i::int8 * 1000000007 as big, (i::int8 * 1000000007)::text as big_text,
    i / 4.0::float8 as dbl, (i || '.125')::numeric(20, 3) as num, (i || '.125')::numeric(20, 3)::text as num_text,
    case when i % 5 = 0 then null when i % 5 = 1 then '' else chr(65279) || repeat('é', i % 3) || i end as txt,
    i % 2 = 0 as flag, decode(lpad(to_hex(i), 6, '0'), 'hex') as bin, array[i, null, -i]::int4[] as arr,
    jsonb_build_object('i', i) as doc, ('2024-01-01 00:00:00+00'::timestamptz + i * interval '1.5 second') as ts,
    (extract(epoch from '2024-01-01 00:00:00+00'::timestamptz + i * interval '1.5 second') * 1000)::int8::text as ts_ms
  from generate_series(1, $1::int4) as i`;

type MixedRow = Record<string, unknown>;

/** What row `i` (from 1) must hold: from the row number, and the server's text for the rest. */
function expectMixedRow(row: MixedRow, i: number): void {
  expect(row.small).toBe(i);
  expect(row.int).toBe(i);
  expect(String(row.big)).toBe(row.big_text);
  expect(row.dbl).toBe(i / 4);
  expect(row.num).toBe(row.num_text);
  expect(row.txt).toBe(i % 5 === 0 ? null : i % 5 === 1 ? '' : '\uFEFF' + 'é'.repeat(i % 3) + String(i));
  expect(row.flag).toBe(i % 2 === 0);
  expect(Buffer.from(row.bin as Uint8Array).toString('hex')).toBe(i.toString(16).padStart(6, '0'));
  expect(row.arr).toEqual([i, null, -i]);
  expect(row.doc).toEqual({ i });
  expect((row.ts as Date).getTime()).toBe(Number(row.ts_ms));
}

describe('row decoding on connect()', () => {
  let db: Connection;
  beforeAll(async () => {
    db = await connectToTestServer();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('rows decoded before and after the statement gets a compiled decoder hold the same, right values', async () => {
    for (let run = 0; run < 2; run++) {
      const rows = await db.fetch<MixedRow>(MIXED_SQL, [ROWS]);
      expect(rows).toHaveLength(ROWS);
      rows.forEach((row, index) => expectMixedRow(row, index + 1));
    }
  });

  it('rows as arrays, compiled too, hold the values in column order', async () => {
    const sql = 'select i, i::text, case when i % 3 = 0 then null else repeat(chr(65279), i % 4) end from generate_series(1, $1::int4) as i';
    for (let run = 0; run < 2; run++) {
      const rows = await db.fetch<unknown[]>(sql, [ROWS], { rowMode: 'array' });
      expect(rows).toEqual(Array.from({ length: ROWS }, (_, index) => {
        const i = index + 1;
        return [i, String(i), i % 3 === 0 ? null : '\uFEFF'.repeat(i % 4)];
      }));
    }
  });

  it('a column named with a leading U+FEFF keeps it, in objects and in the result description', async () => {
    const rows = await db.fetch<Record<string, number>>('select 1 as "\uFEFFname"');
    expect(Object.keys(rows[0])).toEqual(['\uFEFFname']);
  });

  it('wider rows than are compiled decode with the generic loop, past the compile threshold', async () => {
    const width = 80;
    const columns = Array.from({ length: width }, (_, c) => `i + ${c} as c${c}`).join(', ');
    const rows = await db.fetch<Record<string, number>>(`select ${columns} from generate_series(1, $1::int4) as i`, [ROWS]);
    expect(rows[ROWS - 1][`c${width - 1}`]).toBe(ROWS + width - 1);
    expect(rows.every((row, index) => row.c0 === index + 1 && row.c40 === index + 41)).toBe(true);
  });
});

describe('a leading U+FEFF in text through the pool', () => {
  let pool: Pool;
  beforeAll(() => {
    // Every call through a worker: small results travel as row bytes, large ones as batches.
    pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 2, mainThreadConnections: 0 });
  });
  afterAll(async () => {
    await pool?.close();
  });

  it('is kept in a one-row result and in a columnar result of many rows', async () => {
    expect(await pool.fetchval('select chr(65279) || $1::text', ['x'])).toBe('\uFEFFx');
    const rows = await pool.fetch<{ t: string }>("select chr(65279) || repeat('a', i % 3) as t from generate_series(1, 500) as i");
    expect(rows.map((row) => row.t)).toEqual(Array.from({ length: 500 }, (_, index) => '\uFEFF' + 'a'.repeat((index + 1) % 3)));
  });
});
