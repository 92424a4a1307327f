// The COPY methods, written once for Connection, PooledConnection and Pool: each class delegates
// here with its CopyTarget (see copy-target.ts).

import { InterfaceError } from '../../codec/errors/client-errors.js';
import { BinaryRecordEncoder } from '../../codec/copy/record-encoder.js';
import { copyInput, copySink } from './byte-streams.js';
import {
  binaryCopyFromStdinSql, copyFromStdinSql, copyToStdoutSql,
  type CopyColumnsOptions, type CopyFromQueryOptions, type CopyFromTableOptions, type CopyRecordsOptions, type CopyToTableOptions,
} from './copy-options.js';
import type { CopyTarget } from './copy-target.js';
import { binaryRecordChunks } from './record-chunks.js';
import { binaryColumnChunks, columnarNames, columnarParts } from './column-chunks.js';
import { columnList, qualifiedTable } from './sql-text.js';
import { inlineParams } from './inline-params.js';
import { forgetTableColumns, tableColumns } from './table-columns.js';
import { PostgresError } from '../../codec/errors/postgres-error.js';

/** Run a binary COPY; a server error (e.g. the table's column types changed since they were cached) drops the cached columns. */
async function binaryCopy<T>(owner: object, table: string, schemaName: string | undefined, columns: readonly string[] | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof PostgresError) forgetTableColumns(owner, table, schemaName, columns);
    throw error;
  }
}

function checkOptions(method: string, options: unknown, required: string): void {
  if (typeof options !== 'object' || options === null || (options as Record<string, unknown>)[required] === undefined) {
    throw new InterfaceError(`${method}(table, { ${required}, … }): the options object with ${required} is required`);
  }
}

/** Binary COPY of records; codecs from the table's column types (cached per `owner`). */
export async function copyRecordsToTable(owner: object, target: CopyTarget, table: string, options: CopyRecordsOptions): Promise<string> {
  checkOptions('copyRecordsToTable', options, 'records');
  const columns = await tableColumns(owner, target, table, options.schemaName, options.columns);
  const sql = binaryCopyFromStdinSql(table, columns.map((c) => c.name), options.schemaName, options.where);
  const chunks = binaryRecordChunks(options.records, new BinaryRecordEncoder(columns));
  return binaryCopy(owner, table, options.schemaName, options.columns, () => target.copyIn(sql, { kind: 'chunks', chunks, owned: true }, options));
}

/** Binary COPY of columnar data, encoded column by column without building rows. */
export async function copyColumnsToTable(owner: object, target: CopyTarget, table: string, options: CopyColumnsOptions): Promise<string> {
  checkOptions('copyColumnsToTable', options, 'columns');
  const names = columnarNames(options.columns);
  const parts = columnarParts(options.columns, names, target.catalog);
  const columns = await tableColumns(owner, target, table, options.schemaName, names);
  const sql = binaryCopyFromStdinSql(table, names, options.schemaName, undefined);
  return binaryCopy(owner, table, options.schemaName, names, () => target.copyIn(sql, { kind: 'chunks', chunks: binaryColumnChunks(parts, columns), owned: true }, options));
}

/** COPY FROM STDIN of bytes in the given format, from a Readable, a file, bytes or an iterable. */
export async function copyToTable(target: CopyTarget, table: string, options: CopyToTableOptions): Promise<string> {
  checkOptions('copyToTable', options, 'source');
  const sql = copyFromStdinSql(table, options);
  return target.copyIn(sql, copyInput(options.source), options);
}

/** COPY TO STDOUT of a table (or some of its columns) to a Writable, a file or a function. */
export async function copyFromTable(target: CopyTarget, table: string, options: CopyFromTableOptions): Promise<string> {
  checkOptions('copyFromTable', options, 'output');
  const sql = copyToStdoutSql(`${qualifiedTable(table, options.schemaName)}${columnList(options.columns)}`, options);
  return target.copyOut(sql, copySink(options.output), options);
}

/** COPY (query) TO STDOUT; `params` are inlined as literals quoted by the server (asyncpg's way). */
export async function copyFromQuery(target: CopyTarget, sql: string, params: readonly unknown[] | undefined, options: CopyFromQueryOptions): Promise<string> {
  checkOptions('copyFromQuery', options, 'output');
  if (typeof sql !== 'string' || sql.trim() === '') throw new InterfaceError('copyFromQuery needs the query as a non-empty string');
  if (params !== undefined && !Array.isArray(params)) throw new InterfaceError('copyFromQuery: params must be an array (one value per $n), or undefined');
  const sink = copySink(options.output);
  // COPY takes no bind parameters: the server quotes them as literals (see inline-params.ts).
  const query = params === undefined || params.length === 0 ? sql : await target.session((session) => inlineParams(session, sql, params));
  // The newline ends a trailing -- comment of the query before the closing parenthesis.
  return target.copyOut(copyToStdoutSql(`(${query}\n)`, options), sink, options);
}
