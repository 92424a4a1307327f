// Finds a type by name for setTypeCodec & co.: its OID (through to_regtype, so the search_path,
// quoting and SQL spellings like 'double precision' work as in a cast) and its description.

import { InterfaceError } from '../codec/errors/client-errors.js';
import { FIRST_INTROSPECTED_OID } from '../codec/types/introspected/description.js';
import type { PgConnection } from './connection.js';
import { Introspect } from './operations/introspect.js';
import { runQuery } from './requests.js';

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The OID of the type `typeName` (in `schema`, else as the search_path finds it), introspected if needed. */
export async function lookupType(connection: PgConnection, typeName: string, schema?: string): Promise<number> {
  if (typeof typeName !== 'string' || typeName.length === 0) throw new InterfaceError(`a type name must be a non-empty string, got ${String(typeName)}`);
  if (schema !== undefined && (typeof schema !== 'string' || schema.length === 0)) throw new InterfaceError(`schema must be a non-empty string, got ${String(schema)}`);
  const qualified = schema === undefined ? typeName : `${quoteIdentifier(schema)}.${quoteIdentifier(typeName)}`;
  const outcome = await runQuery(connection, { sql: 'select pg_catalog.to_regtype($1)::pg_catalog.oid', paramSets: [[qualified]], rowMode: 'array' });
  const oid = (outcome.rows[0] as unknown[] | undefined)?.[0];
  if (typeof oid !== 'number') {
    throw new InterfaceError(`there is no type ${qualified}${schema === undefined ? ' on the search_path' : ''}: check its name, pass its schema, or create it first`);
  }
  // Described even when a custom codec hides it: a 'tuple' codec needs the attributes.
  if (oid >= FIRST_INTROSPECTED_OID && connection.types.description(oid) === undefined) {
    await new Promise<void>((resolve, reject) => connection.submit(new Introspect([oid], resolve, reject)));
  }
  return oid;
}
