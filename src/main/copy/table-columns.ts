// The columns a binary COPY writes and the codec of each: introspected once per table and column
// list, and cached per connection or pool until its type catalog changes (reloadSchemaState,
// a custom codec), when they are looked up again.

import { InterfaceError } from '../../codec/errors/client-errors.js';
import type { CopyColumn } from '../../codec/copy/record-encoder.js';
import type { CopyTarget } from './copy-target.js';
import { columnList, qualifiedTable } from './sql-text.js';

interface Cached {
  generation: number;
  columns: CopyColumn[];
}

const MAX_TABLES = 256;
const caches = new WeakMap<object, Map<string, Cached>>();

// Generated columns take no input; COPY without a column list skips them too.
const COLUMN_NAMES = "select attname::text from pg_catalog.pg_attribute where attrelid = $1::text::regclass and attnum > 0 and not attisdropped and attgenerated = '' order by attnum";

/** Forget what was learnt of a table (its COPY failed on the server: the table may have changed). */
export function forgetTableColumns(owner: object, table: string, schemaName: string | undefined, columns: readonly string[] | undefined): void {
  caches.get(owner)?.delete(`${qualifiedTable(table, schemaName)}${columnList(columns)}`);
}

export async function tableColumns(owner: object, target: CopyTarget, table: string, schemaName: string | undefined, columns: readonly string[] | undefined): Promise<CopyColumn[]> {
  const qualified = qualifiedTable(table, schemaName);
  const key = `${qualified}${columnList(columns)}`;
  let cache = caches.get(owner);
  if (cache === undefined) caches.set(owner, (cache = new Map()));
  const hit = cache.get(key);
  if (hit !== undefined && hit.generation === target.catalog.generation) return hit.columns;
  const names = columns ?? (await target.query(COLUMN_NAMES, [qualified])).rows.map((row) => row[0] as string);
  if (names.length === 0) throw new InterfaceError(`${qualified} has no columns to copy into`);
  // Describing a select of the columns also makes their types known on this thread (introspection included).
  const described = await target.query(`select ${columnList(names).slice(2, -1)} from ${qualified} limit 0`, []);
  const found = described.columns.map((column, i) => {
    const codec = target.catalog.binaryCodecFor(column.typeOid);
    const typeName = target.catalog.nameOf(column.typeOid) ?? `oid ${column.typeOid}`;
    if (codec === undefined || codec.format === 'text') {
      throw new InterfaceError(`column ${JSON.stringify(names[i])} of ${qualified} has type ${typeName}, which pgloom cannot write in binary: load it with copyToTable in format 'csv' or 'text' instead`);
    }
    return { name: names[i], typeName, codec };
  });
  if (cache.size >= MAX_TABLES) cache.clear();
  cache.set(key, { generation: target.catalog.generation, columns: found });
  return found;
}
