// Streams a large result through the pool in a process of its own and prints the rows seen and
// the peak RSS, so that the measurement holds nothing but pgloom. Args: dist index path, DSN, rows.

const [indexPath, dsn, rowsText] = process.argv.slice(2);
const { createPool } = await import(indexPath);
const rows = Number(rowsText);
const pool = createPool(dsn, { workers: 2, connectionsPerWorker: 1 });
let seen = 0;
let peak = 0;
const sample = () => (peak = Math.max(peak, process.memoryUsage.rss()));
const timer = setInterval(sample, 20);
const started = performance.now();
for await (const batch of pool.stream(`select i, 'row-' || i || repeat('x', 20) as label from generate_series(1, ${rows}) as i`)) {
  seen += batch.numRows;
  // Touch the data as a consumer would.
  if ((batch.column('i')[0] ?? 0) <= 0) throw new Error('bad batch');
}
const ms = performance.now() - started;
clearInterval(timer);
sample();
await pool.close();
console.log(JSON.stringify({ seen, peakRssMb: peak / 1024 / 1024, ms }));
