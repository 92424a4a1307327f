// The public description of a result column.

import type { StatementDescription } from '../worker/statement.js';

export interface Column {
  name: string;
  /** The type's OID (pg_type.oid). */
  typeOid: number;
  /** The type's name when pgloom knows it (built-in and introspected types), else undefined. */
  typeName: string | undefined;
  /** The source table's OID and column number, when the column comes straight from a table (else 0). */
  tableOid: number;
  columnAttr: number;
  typeModifier: number;
}

export function columnsOf(statement: StatementDescription): Column[] {
  return statement.columns.map((c, i) => ({
    name: c.name,
    typeOid: c.typeOid,
    typeName: statement.typeNames[i],
    tableOid: c.tableOid,
    columnAttr: c.columnAttr,
    typeModifier: c.typeModifier,
  }));
}
