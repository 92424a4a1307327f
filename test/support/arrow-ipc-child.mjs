// What a user's ES module does with toArrow(), in a process of its own (no test runner between
// pgloom and apache-arrow): builds a Table, writes it with apache-arrow's own tableToIPC as a file
// and as a stream, reads both back, and prints what it read. Args: dist index path, DSN.

import { tableFromIPC, tableToIPC } from 'apache-arrow';

const [indexPath, dsn] = process.argv.slice(2);
const { createPool } = await import(indexPath);
const pool = createPool(dsn, { workers: 1, connectionsPerWorker: 1, batchRows: 100 });
try {
  const result = await pool.query("select i as id, 'r' || i as label, case when i % 3 = 0 then null else i * 0.5 end::float8 as half from generate_series(1, 250) as i");
  const table = result.toArrow();
  const readBack = (kind) => {
    const back = tableFromIPC(tableToIPC(table, kind));
    return { numRows: back.numRows, columns: Object.fromEntries(['id', 'label', 'half'].map((name) => [name, [...back.getChild(name)]])) };
  };
  console.log(JSON.stringify({ batches: result.batches.length, rows: result.rows, file: readBack('file'), stream: readBack('stream') }));
} finally {
  await pool.close();
}
