// Identifiers and literals written into COPY statements: always quoted, never concatenated raw.

import { InterfaceError } from '../../codec/errors/client-errors.js';

/** A double-quoted identifier ("My ""odd"" table"), exactly as named: no case folding. */
export function quoteIdentifier(name: string, what = 'an identifier'): string {
  if (typeof name !== 'string' || name.length === 0 || name.includes('\0')) {
    throw new InterfaceError(`${what} must be a non-empty string without NUL, got ${typeof name === 'string' ? JSON.stringify(name) : typeof name}`);
  }
  return `"${name.replace(/"/g, '""')}"`;
}

/** schema.table, each part quoted; without a schema the search_path finds the table. */
export function qualifiedTable(table: string, schemaName?: string): string {
  const quotedTable = quoteIdentifier(table, 'the table name');
  return schemaName === undefined ? quotedTable : `${quoteIdentifier(schemaName, 'schemaName')}.${quotedTable}`;
}

/** A string literal safe whatever standard_conforming_strings says: E'…' with \ and ' escaped. */
export function quoteLiteral(value: string, what = 'a COPY option'): string {
  if (typeof value !== 'string' || value.includes('\0')) throw new InterfaceError(`${what} must be a string without NUL, got ${typeof value}`);
  return `E'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** "(a, b)" of quoted column names, or '' for all columns. */
export function columnList(columns: readonly string[] | undefined): string {
  if (columns === undefined) return '';
  if (!Array.isArray(columns) || columns.length === 0) throw new InterfaceError('columns must be a non-empty array of column names (or leave it out for every column)');
  return ` (${columns.map((c) => quoteIdentifier(c, 'a column name')).join(', ')})`;
}
