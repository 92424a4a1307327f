// `pgloom export "<sql>"`: the query runs in the worker pool as a stream of columnar batches,
// each written to the output as it arrives (memory holds a couple of batches, whatever the size).

import { connect, type Column, type Pool } from '../../main/index.js';
import { openPool } from '../database.js';
import { chooseDsn } from '../dsn.js';
import { availableParallelism } from 'node:os';
import { UsageError } from '../exit-codes.js';
import { chooseFormat, type FileFormat } from '../formats.js';
import { startProgress } from '../progress.js';
import type { BatchSink } from './batch-sink.js';
import { CsvSink } from './csv-sink.js';
import { NdjsonSink } from './ndjson-sink.js';
import { OutputFile } from './output-file.js';

export interface ExportOptions {
  out: string;
  format?: string;
  dsn?: string;
  quiet?: boolean;
  batchRows?: number;
  /** Split the query into range queries on this column (pool.stream's partitionOn). */
  partitionOn?: string;
  partitions?: number;
}

/** Arrow and Parquet are imported only when asked for: apache-arrow takes a while to load (and Parquet loads it in its encoder thread only). */
async function sinkFor(format: FileFormat, out: OutputFile): Promise<BatchSink> {
  switch (format) {
    case 'csv': return new CsvSink(out);
    case 'ndjson': return new NdjsonSink(out);
    case 'arrow': return new (await import('./arrow-sink.js')).ArrowSink(out);
    case 'parquet': return new (await import('./parquet-sink.js')).ParquetSink(out);
  }
}

/**
 * The columns of a query that returned no rows (a stream with no batch carries none): the
 * statement is described on a connection of its own, not run again.
 */
async function describeColumns(dsn: string | undefined, sql: string): Promise<readonly Column[]> {
  const db = await (dsn === undefined ? connect() : connect(dsn));
  try {
    const statement = await db.prepare(sql);
    return statement.columns;
  } finally {
    await db.close();
  }
}

/** Runs the export; returns the rows written. */
export async function exportQuery(sql: string, options: ExportOptions): Promise<number> {
  if (options.out === '-' && options.format === undefined) throw new UsageError('--out - (stdout) needs --format: there is no file name to infer it from');
  const format = chooseFormat(options.format, options.out);
  const dsn = chooseDsn(options.dsn);
  if (options.partitions !== undefined && options.partitionOn === undefined) throw new UsageError('--partitions needs --partition-on <column>');
  const partitioned = options.partitionOn === undefined ? {} : { partitionOn: options.partitionOn, partitions: options.partitions };
  // Partitions run at once, each on a connection of its own, spread over one worker per core.
  const workers = Math.max(1, availableParallelism());
  const spread = options.partitionOn === undefined ? {} : { workers, connectionsPerWorker: Math.max(2, Math.ceil((options.partitions ?? workers * 2) / workers)) };
  const pool: Pool = openPool(dsn, { ...spread, ...(options.batchRows === undefined ? {} : { batchRows: options.batchRows }) });
  const progress = await startProgress(`export ${format}`, options.quiet === true || options.out === '-');
  let out: OutputFile | undefined;
  let sink: BatchSink | undefined;
  let rows = 0;
  let started = false;
  // Ctrl-C: no half-written file is left behind (the temporary file is removed), exit 130 as shells expect.
  const interrupted = () => void (out?.abandon() ?? Promise.resolve()).finally(() => process.exit(130));
  process.once('SIGINT', interrupted);
  try {
    out = new OutputFile(options.out);
    sink = await sinkFor(format, out);
    for await (const batch of pool.stream<unknown>(sql, [], { highWaterMark: 4, ...partitioned })) {
      if (!started) {
        await sink.start(batch.schema);
        started = true;
      }
      await sink.write(batch);
      rows += batch.numRows;
      progress.update(rows, out.bytes);
    }
    if (!started) await sink.start(await describeColumns(dsn, sql));
    await sink.end();
    await out.finish();
    return rows;
  } catch (error) {
    await sink?.abort?.();
    await out?.abandon();
    throw error;
  } finally {
    process.removeListener('SIGINT', interrupted);
    progress.stop();
    await pool.close();
  }
}
