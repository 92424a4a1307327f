// toArrow() builds its Table with the apache-arrow a user imports as an ES module, so that user's
// tableToIPC writes it (as a file and as a stream) and tableFromIPC reads back the result's
// values; RecordBatch.toArrow() does the same for streamed batches.

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as arrow from 'apache-arrow';
import { Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, InterfaceError, type Pool, type Result } from '../../src/main/index.js';
import { testDsn } from '../support/server.js';

const SQL = `select i as id, i::int8 * 3 as big, 'ré' || i as label, i % 3 = 0 as fizz,
  case when i % 4 = 0 then null else i * 0.5 end::float8 as half, decode(lpad(to_hex(i), 4, '0'), 'hex') as raw,
  (i * 1.25)::numeric as amount
  from generate_series(1, 450) as i`;
const NAMES = ['id', 'big', 'label', 'fizz', 'half', 'raw', 'amount'];
// Node 20.19+ and 22.12+ can require() an ES module; a flag turns that off to stand for older versions.
const requireModule = (process.features as { require_module?: boolean }).require_module === true;

/** A column as apache-arrow reads it back: bytes as plain arrays, so toEqual compares contents. */
function columnOf(table: Table, name: string): unknown[] {
  return [...table.getChild(name)!].map((value: unknown) => (value instanceof Uint8Array ? [...value] : value));
}

/** The result's own rows, column by column, in Arrow's JS form (bytes as plain arrays). */
function expectedColumns(result: Result): Record<string, unknown[]> {
  return Object.fromEntries(NAMES.map((name) => [name, result.rows.map((row) => (row[name] instanceof Uint8Array ? [...(row[name] as Uint8Array)] : row[name]))]));
}

describe('toArrow() with an ES module import of apache-arrow', () => {
  let pool: Pool;

  beforeAll(() => {
    pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 2, batchRows: 100 });
  });

  afterAll(async () => {
    await pool?.close();
  });

  it("the user's tableToIPC writes a file and a stream that read back equal to the result", async () => {
    const result = await pool.query(SQL);
    expect(result.batches.length).toBeGreaterThan(1);
    const table = result.toArrow<Table>();
    expect(table).toBeInstanceOf(Table);
    const expected = expectedColumns(result);
    for (const kind of ['file', 'stream'] as const) {
      const bytes = tableToIPC(table, kind);
      const back = tableFromIPC(bytes);
      expect(back.numRows, kind).toBe(450);
      expect(back.schema.fields.map((f) => `${f.name}:${String(f.type)}`), kind).toEqual(table.schema.fields.map((f) => `${f.name}:${String(f.type)}`));
      for (const name of NAMES) expect(columnOf(back, name), `${kind} ${name}`).toEqual(expected[name]);
    }
  });

  it('toArrow(arrow) builds with the module given, typed as its Table', async () => {
    const result = await pool.query(SQL);
    const table: Table = result.toArrow(arrow);
    expect(table).toBeInstanceOf(arrow.Table);
    expect(columnOf(tableFromIPC(tableToIPC(table, 'file')), 'label')).toEqual(expectedColumns(result).label);
  });

  it('toArrow(something else) is an InterfaceError that says what to pass', async () => {
    const result = await pool.query('select 1 as one');
    expect(() => result.toArrow({ Table: 1 } as never)).toThrow(InterfaceError);
    expect(() => result.toArrow({} as never)).toThrow(/import \* as arrow from 'apache-arrow'/);
  });

  it('RecordBatch.toArrow() gives each streamed batch as a Table the user can write and read back', async () => {
    const tables: Table[] = [];
    const rows: Record<string, unknown>[] = [];
    for await (const batch of pool.stream(SQL)) {
      const table = batch.toArrow<Table>();
      expect(table.numRows).toBe(batch.numRows);
      const back = tableFromIPC(tableToIPC(table, 'stream'));
      expect(columnOf(back, 'id')).toEqual([...(batch.column('id') as Int32Array)]);
      tables.push(back);
      rows.push(...batch.toRows());
    }
    expect(tables.length).toBeGreaterThan(1);
    // The batches' Tables joined are the whole result.
    const joined = new Table(tables.flatMap((table) => table.batches));
    const whole = await pool.query(SQL);
    expect(rows).toEqual(whole.rows);
    for (const name of NAMES) expect(columnOf(joined, name), name).toEqual(expectedColumns(whole)[name]);
    const viaModule: Table = (await pool.query('select 7 as seven')).batches[0].toArrow(arrow);
    expect([...viaModule.getChild('seven')!]).toEqual([7]);
  });

  it.skipIf(!requireModule)('where Node.js cannot require an ES module, toArrow() says to pass the module, and toArrow(arrow) works', async () => {
    const index = fileURLToPath(new URL('../../dist/src/main/index.js', import.meta.url));
    const script = `
      import * as arrow from 'apache-arrow';
      const { createPool } = await import(${JSON.stringify(index)});
      const pool = createPool(${JSON.stringify(testDsn())}, { workers: 1, connectionsPerWorker: 1 });
      const result = await pool.query('select 7 as seven');
      let message;
      try { result.toArrow(); } catch (error) { message = error.name + ': ' + error.message; }
      console.log(JSON.stringify({ message, passed: [...result.toArrow(arrow).getChild('seven')] }));
      await pool.close();`;
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--no-experimental-require-module', '--input-type=module', '-e', script], { cwd: root, timeout: 60_000 });
    const report = JSON.parse(stdout) as { message: string; passed: number[] };
    expect(report.message).toMatch(/^InterfaceError: toArrow\(\): Node\.js v[\d.]+ cannot load apache-arrow's ES module synchronously .*result\.toArrow\(arrow\)/);
    expect(report.passed).toEqual([7]);
  });

  it('works the same in a plain node process that imports apache-arrow and the built package', async () => {
    const child = fileURLToPath(new URL('../support/arrow-ipc-child.mjs', import.meta.url));
    const index = fileURLToPath(new URL('../../dist/src/main/index.js', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [child, index, testDsn()], { timeout: 60_000 });
    const report = JSON.parse(stdout) as { batches: number; rows: { id: number; label: string; half: number | null }[]; file: { numRows: number; columns: Record<string, unknown[]> }; stream: { numRows: number; columns: Record<string, unknown[]> } };
    expect(report.batches).toBeGreaterThan(1);
    for (const kind of ['file', 'stream'] as const) {
      expect(report[kind].numRows).toBe(250);
      for (const name of ['id', 'label', 'half'] as const) expect(report[kind].columns[name], `${kind} ${name}`).toEqual(report.rows.map((row) => row[name]));
    }
  });
});
