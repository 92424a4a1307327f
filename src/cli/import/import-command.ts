// `pgloom import FILE --table T`: loads a file by COPY in one transaction (a failure leaves the
// table as it was, and a table --create made is not left behind).

import { access } from 'node:fs/promises';
// connect() from its own module: a CSV import needs no pool, so piscina and the pool's modules are never loaded.
import { connect } from '../../main/connect.js';
import { chooseDsn } from '../dsn.js';
import { chooseFormat, type FileFormat } from '../formats.js';
import { startProgress } from '../progress.js';
import { CsvSource } from './csv-source.js';
import type { CopySession, FileSource } from './file-source.js';
import { createTableSql, missingColumns, qualifiedName, tableColumns, type TableRef, type TargetColumn } from './target-table.js';

export interface ImportOptions {
  table: string;
  schema?: string;
  format?: string;
  create?: boolean;
  dsn?: string;
  quiet?: boolean;
}

async function openSource(format: FileFormat, path: string): Promise<FileSource> {
  switch (format) {
    case 'csv': return CsvSource.open(path);
    case 'ndjson': return (await import('./ndjson-source.js')).NdjsonSource.open(path);
    case 'arrow': return (await import('./arrow-source.js')).ArrowSource.open(path);
    case 'parquet': return (await import('./parquet-source.js')).ParquetSource.open(path);
  }
}

/** The table's columns that the file fills, creating the table first with --create. */
async function prepareTable(db: CopySession, ref: TableRef, source: FileSource, create: boolean, path: string): Promise<TargetColumn[]> {
  const fileColumns = await source.columns();
  let table = await tableColumns(db, ref);
  if (table === undefined) {
    if (!create) throw new Error(`table ${qualifiedName(ref)} does not exist: create it first, or add --create to create it from the file's columns`);
    await db.execute(createTableSql(ref, fileColumns));
    table = await tableColumns(db, ref);
  }
  const missing = missingColumns(fileColumns.map((column) => column.name), table!);
  if (missing.length > 0) {
    throw new Error(`${path} has columns that table ${qualifiedName(ref)} lacks: ${missing.map((name) => JSON.stringify(name)).join(', ')} (the table has ${table!.map((column) => JSON.stringify(column.name)).join(', ')})`);
  }
  const byName = new Map(table!.map((column) => [column.name, column]));
  return fileColumns.map((column) => byName.get(column.name)!);
}

/** What an import loaded, and how it went to the server when a format has more than one way. */
export interface ImportResult {
  rows: number;
  loadedAs: string | undefined;
}

/** Runs the import. */
export async function importFile(path: string, options: ImportOptions): Promise<ImportResult> {
  const format = chooseFormat(options.format, path);
  try {
    await access(path);
  } catch {
    throw new Error(`cannot read ${path}: no such file (or no permission to read it)`);
  }
  const source = await openSource(format, path);
  const ref: TableRef = { table: options.table, schema: options.schema };
  const progress = await startProgress(`import ${format}`, options.quiet === true, source.total);
  const work = async (db: CopySession): Promise<ImportResult> => {
    const targets = await prepareTable(db, ref, source, options.create === true, path);
    const onProgress = Object.assign((rows: number, bytes: number) => progress.update(rows, bytes), { shown: progress.shown });
    const rows = await source.load(db, ref, targets, onProgress);
    return { rows, loadedAs: source.loadedAs?.() };
  };
  const dsn = chooseDsn(options.dsn);
  try {
    if (format === 'csv') {
      // A CSV file is parsed on this thread (or by the server): a worker thread would only add
      // start-up time, so one connection on this thread.
      const db = await (dsn === undefined ? connect() : connect(dsn));
      try {
        return await db.transaction(work);
      } finally {
        await db.close();
      }
    }
    const { openPool } = await import('../database.js');
    const pool = openPool(dsn);
    try {
      return await pool.transaction(work);
    } finally {
      await pool.close();
    }
  } finally {
    progress.stop();
  }
}
