// A bad row in an executemany batch is named: `rowIndex` (0-based) and "row N" in the message.
// Nothing of the batch persists: a value pgloom cannot encode stops the batch before anything is
// sent, and a row the server rejects aborts the whole batch (it runs under one Sync, atomically).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, ParameterError, UniqueViolationError, type Connection, type Pool } from '../../src/main/index.js';
import { connectToTestServer, testDsn, uniqueTable } from '../support/server.js';
import { rejectionOf, shutDown } from '../support/deadlines.js';

const table = uniqueTable('executemany_errors');
const insert = `insert into ${table}(id, note) values ($1, $2)`;

/** 1,000 good rows, then `bad` put in place of row `at`. */
function rowsWith(at: number, bad: unknown[]): unknown[][] {
  const rows: unknown[][] = Array.from({ length: 1000 }, (_, i) => [i, `row ${i}`]);
  rows[at] = bad;
  return rows;
}

function expectRow(error: unknown, rowIndex: number, pattern: RegExp): void {
  expect(error).toBeInstanceOf(ParameterError);
  expect((error as ParameterError).rowIndex).toBe(rowIndex);
  expect((error as Error).message).toMatch(new RegExp(`^executemany row ${rowIndex}: `));
  expect((error as Error).message).toMatch(pattern);
}

interface Runner {
  executemany(sql: string, rows: readonly (readonly unknown[])[]): Promise<unknown>;
  fetchval<V = unknown>(sql: string, params?: readonly unknown[]): Promise<V | null>;
}

/** The cases every way of running executemany must pass. */
async function checkBatches(db: Runner): Promise<void> {
  const count = () => db.fetchval<number>(`select count(*)::int from ${table}`);
  expectRow(await rejectionOf(db.executemany(insert, rowsWith(737, ['seven hundred', 'x']))), 737, /parameter \$1 \(int4\)/);
  expect(await count()).toBe(0);
  expectRow(await rejectionOf(db.executemany(insert, rowsWith(0, [2 ** 40, 'x']))), 0, /parameter \$1 \(int4\)/);
  expectRow(await rejectionOf(db.executemany(insert, rowsWith(999, [999]))), 999, /takes 2 parameter\(s\) .* but 1 were given/);
  expectRow(await rejectionOf(db.executemany(insert, rowsWith(10, [10, undefined]))), 10, /parameter \$2 is undefined/);
  expect(await count()).toBe(0);
  // A row the server rejects: the error says which, and the rows before it are rolled back too.
  const duplicate = await rejectionOf(db.executemany(insert, rowsWith(737, [3, 'duplicate of row 3'])));
  expect(duplicate).toBeInstanceOf(UniqueViolationError);
  expect((duplicate as UniqueViolationError).rowIndex).toBe(737);
  expect(await count()).toBe(0);
  // A single query names no row; the connection is fine after all of that.
  const single = await rejectionOf(db.executemany(insert, [['one', 'x']]));
  expect(single).toBeInstanceOf(ParameterError);
  expect((single as ParameterError).rowIndex).toBeUndefined();
  await db.executemany(insert, rowsWith(0, [0, 'row 0']));
  expect(await count()).toBe(1000);
  await db.executemany(`delete from ${table} where id = $1`, Array.from({ length: 1000 }, (_, i) => [i]));
}

describe('executemany names the bad row', () => {
  let db: Connection;
  let pool: Pool;
  beforeAll(async () => {
    db = await connectToTestServer();
    await db.execute(`create table ${table}(id int primary key, note text)`);
    pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 2 });
  });
  afterAll(async () => {
    await db?.execute(`drop table if exists ${table}`);
    await db?.close();
    await shutDown(pool);
  });

  it('on a connect() connection', async () => {
    await checkBatches(db);
  });

  it('through the pool', async () => {
    await checkBatches(pool);
  });

  it('on a pinned session', async () => {
    await pool.withConnection((session) => checkBatches(session));
  });

  it('through the pool, for a value that cannot reach the worker and for one encoded on the main thread', async () => {
    expectRow(await rejectionOf(pool.executemany(insert, rowsWith(3, [3, () => 'a function']))), 3, /parameter \$2 is a function/);
    const jsonTable = uniqueTable('executemany_json');
    const typed = createPool(testDsn(), { workers: 1, connectionsPerWorker: 1 });
    try {
      await typed.execute(`create table ${jsonTable}(id int, doc json)`);
      // A custom encoder runs on the main thread, so the row is found there.
      await typed.setTypeCodec('json', {
        format: 'text',
        encoder: (value: unknown) => {
          if (value === 'unencodable') throw new Error('this value has no JSON form');
          return JSON.stringify(value);
        },
        decoder: (text: string) => JSON.parse(text) as unknown,
      });
      const rows: unknown[][] = Array.from({ length: 1000 }, (_, i) => [i, { i }]);
      rows[737] = [737, 'unencodable'];
      expectRow(await rejectionOf(typed.executemany(`insert into ${jsonTable} values ($1, $2)`, rows)), 737, /custom encoder of type json threw: this value has no JSON form/);
      expect(await typed.fetchval(`select count(*)::int from ${jsonTable}`)).toBe(0);
      rows[737] = [737, { i: 737 }];
      await typed.executemany(`insert into ${jsonTable} values ($1, $2)`, rows);
      expect(await typed.fetchval(`select doc from ${jsonTable} where id = 737`)).toEqual({ i: 737 });
    } finally {
      await typed.execute(`drop table if exists ${jsonTable}`).catch(() => undefined);
      await shutDown(typed);
    }
  });
});
