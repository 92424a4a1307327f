// The public options of the COPY methods, and the COPY statements built from them.

import { InterfaceError } from '../../codec/errors/client-errors.js';
import type { GuardOptions } from '../threads/call-guard.js';
import type { ColumnarInput } from './column-chunks.js';
import { columnList, qualifiedTable, quoteIdentifier, quoteLiteral } from './sql-text.js';

export type CopyFormat = 'text' | 'csv' | 'binary';

/** COPY's own options (see PostgreSQL's COPY page); each is written only when set. */
export interface CopyFormatOptions {
  /** Default 'text'. */
  format?: CopyFormat;
  /** Only the columns to copy (default: all). */
  columns?: readonly string[];
  schemaName?: string;
  /** CSV: a header line (COPY FROM also takes 'match': the header must name the columns). */
  header?: boolean | 'match';
  delimiter?: string;
  /** The string that stands for NULL. */
  null?: string;
  quote?: string;
  escape?: string;
  /** The file's encoding, when it is not the client's (UTF8). */
  encoding?: string;
}

export interface CopyCallOptions extends GuardOptions {
  /** Abort the COPY: COPY FROM sends CopyFail (nothing is kept), COPY TO is cancelled on the server. */
  signal?: AbortSignal;
  /** Give up after this many ms: as `signal`. */
  timeout?: number;
}

/** A COPY FROM source: a Node Readable, a file path, bytes, or an (async) iterable of chunks. */
export type CopySource =
  | NodeJS.ReadableStream
  | string
  | Uint8Array
  | Iterable<Uint8Array | string>
  | AsyncIterable<Uint8Array | string>;

/** A COPY TO output: a Node Writable (left open), a file path (created or truncated), or a function given each chunk. */
export type CopyOutput = NodeJS.WritableStream | string | ((chunk: Uint8Array) => void | Promise<void>);

export interface CopyToTableOptions extends CopyFormatOptions, CopyCallOptions {
  source: CopySource;
  /** CSV: columns whose values are never NULL (an empty unquoted value is ''). */
  forceNotNull?: readonly string[];
  /** CSV: columns whose quoted value matching `null` is NULL. */
  forceNull?: readonly string[];
  /** COPY FROM … WHERE: a condition (SQL) rows must meet to be kept. */
  where?: string;
  /** COPY FREEZE (the table must have been created or truncated in this transaction). */
  freeze?: boolean;
}

export interface CopyFromTableOptions extends CopyFormatOptions, CopyCallOptions {
  output: CopyOutput;
  /** CSV: columns always quoted. */
  forceQuote?: readonly string[];
}

export type CopyFromQueryOptions = Omit<CopyFromTableOptions, 'columns' | 'schemaName'>;

export interface CopyRecordsOptions extends CopyCallOptions {
  /** Arrays in column order, or objects keyed by column name; an array, or any (async) iterable. */
  records: Iterable<readonly unknown[] | Record<string, unknown>> | AsyncIterable<readonly unknown[] | Record<string, unknown>>;
  columns?: readonly string[];
  schemaName?: string;
  where?: string;
}

function optionList(parts: string[]): string {
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

function namesList(names: readonly string[], what: string): string {
  if (!Array.isArray(names) || names.length === 0) throw new InterfaceError(`${what} must be a non-empty array of column names`);
  return `(${names.map((n) => quoteIdentifier(n, `a column name in ${what}`)).join(', ')})`;
}

function formatParts(options: CopyFormatOptions, direction: 'from' | 'to'): string[] {
  const parts: string[] = [];
  const format = options.format ?? 'text';
  if (format !== 'text' && format !== 'csv' && format !== 'binary') throw new InterfaceError(`format must be 'text', 'csv' or 'binary', got ${JSON.stringify(format)}`);
  parts.push(`format ${format}`);
  if (options.header !== undefined) {
    if (options.header === 'match') {
      if (direction === 'to') throw new InterfaceError("header: 'match' is for COPY FROM only; use true to write a header");
      parts.push('header match');
    } else parts.push(`header ${options.header ? 'true' : 'false'}`);
  }
  if (options.delimiter !== undefined) parts.push(`delimiter ${quoteLiteral(options.delimiter, 'delimiter')}`);
  if (options.null !== undefined) parts.push(`null ${quoteLiteral(options.null, 'null')}`);
  if (options.quote !== undefined) parts.push(`quote ${quoteLiteral(options.quote, 'quote')}`);
  if (options.escape !== undefined) parts.push(`escape ${quoteLiteral(options.escape, 'escape')}`);
  if (options.encoding !== undefined) parts.push(`encoding ${quoteLiteral(options.encoding, 'encoding')}`);
  return parts;
}

export function copyFromStdinSql(table: string, options: Omit<CopyToTableOptions, 'source'>): string {
  const parts = formatParts(options, 'from');
  if (options.forceNotNull !== undefined) parts.push(`force_not_null ${namesList(options.forceNotNull, 'forceNotNull')}`);
  if (options.forceNull !== undefined) parts.push(`force_null ${namesList(options.forceNull, 'forceNull')}`);
  if (options.freeze !== undefined) parts.push(`freeze ${options.freeze ? 'true' : 'false'}`);
  return `copy ${qualifiedTable(table, options.schemaName)}${columnList(options.columns)} from stdin${optionList(parts)}${whereClause(options.where)}`;
}

export function copyToStdoutSql(source: string, options: CopyFormatOptions & { forceQuote?: readonly string[] }): string {
  const parts = formatParts(options, 'to');
  if (options.forceQuote !== undefined) parts.push(`force_quote ${namesList(options.forceQuote, 'forceQuote')}`);
  return `copy ${source} to stdout${optionList(parts)}`;
}

export function binaryCopyFromStdinSql(table: string, columns: readonly string[], schemaName: string | undefined, where: string | undefined): string {
  return `copy ${qualifiedTable(table, schemaName)}${columnList(columns)} from stdin (format binary)${whereClause(where)}`;
}

function whereClause(where: string | undefined): string {
  if (where === undefined) return '';
  if (typeof where !== 'string' || where.trim() === '') throw new InterfaceError('where must be a SQL condition, e.g. "amount > 0"');
  return ` where ${where}`;
}

export interface CopyColumnsOptions extends CopyCallOptions {
  /**
   * The data by column: { name: TypedArray | values[] } (all of one length), a RecordBatch or
   * Result of pgloom (pool.query / pool.stream), or an Apache Arrow Table / RecordBatch. The
   * column names are the target columns.
   */
  columns: ColumnarInput;
  schemaName?: string;
}
