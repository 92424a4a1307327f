// The table an import loads: its columns and types as the server describes them, and --create's
// CREATE TABLE from the columns a file declares.


import type { CopySession } from './file-source.js';

export interface TableRef {
  table: string;
  schema?: string;
}

export interface TargetColumn {
  name: string;
  /** The type's name in pg_type (int4, jsonb, _text…). */
  typeName: string;
  /** The type's OID (a domain's own, not its base type's). */
  typeOid: number;
}

/** A SQL identifier, double-quoted (so any name a file holds is safe and kept exactly). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function qualifiedName(ref: TableRef): string {
  return ref.schema === undefined ? quoteIdent(ref.table) : `${quoteIdent(ref.schema)}.${quoteIdent(ref.table)}`;
}

/** The table's columns in order; undefined when the table does not exist. */
export async function tableColumns(db: CopySession, ref: TableRef): Promise<TargetColumn[] | undefined> {
  const oid = await db.fetchval<number>('select to_regclass($1)::oid', [qualifiedName(ref)]);
  if (oid === null) return undefined;
  const rows = await db.fetch<{ name: string; type_name: string; type_oid: number }>(
    `select a.attname as name, t.typname as type_name, t.oid as type_oid from pg_attribute a join pg_type t on t.oid = a.atttypid
     where a.attrelid = $1 and a.attnum > 0 and not a.attisdropped and a.attgenerated = '' order by a.attnum`, [oid]);
  return rows.map((row) => ({ name: row.name, typeName: row.type_name, typeOid: row.type_oid }));
}

/** CREATE TABLE for `columns` (name and a SQL type each). */
export function createTableSql(ref: TableRef, columns: readonly { name: string; sqlType: string }[]): string {
  return `create table ${qualifiedName(ref)} (${columns.map((column) => `${quoteIdent(column.name)} ${column.sqlType}`).join(', ')})`;
}

/** The file's columns that the table lacks: an import names them instead of failing in COPY. */
export function missingColumns(fileColumns: readonly string[], table: readonly TargetColumn[]): string[] {
  const names = new Set(table.map((column) => column.name));
  return fileColumns.filter((name) => !names.has(name));
}
