// Type introspection, as asyncpg does it: one query for a whole batch of unknown type OIDs that
// also finds, recursively, every type they are made of (array elements, composite attributes,
// domain base types, range subtypes, multiranges' ranges). Written as unnamed Parse/Bind/Execute
// with binary results and decoded here column by column (the query's shape is fixed).

import type { BufferWriter } from '../codec/buffer/writer.js';
import { ProtocolError } from '../codec/errors/client-errors.js';
import { beginBind, beginParam, endBind, endParam, writeExecute, writeParse, writeSync } from '../codec/protocol/index.js';
import { defaultTypeOptions } from '../codec/types/codec.js';
import { FIRST_INTROSPECTED_OID, type TypeDescription, type TypeKind } from '../codec/types/introspected/description.js';
import * as oids from '../codec/types/oids.js';
import { codecFor } from '../codec/types/registry.js';

/** pg_range.rngmultitypid exists from PostgreSQL 14; older servers have no multiranges. */
function introspectionSql(multiranges: boolean): string {
  const multirangeDep = multiranges ? 'union all select r.rngtypid from pg_catalog.pg_range r where r.rngmultitypid = t.oid' : '';
  const rangeOf = multiranges ? '(select r.rngtypid from pg_catalog.pg_range r where r.rngmultitypid = t.oid)' : 'null::oid';
  const attributes = 'from pg_catalog.pg_attribute a where t.typrelid <> 0 and a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped';
  return `with recursive wanted(oid) as (
  select unnest($1::pg_catalog.oid[])
  union
  select dep.oid from wanted w
    join pg_catalog.pg_type t on t.oid = w.oid
    cross join lateral (
      select t.typelem where t.typelem <> 0
      union all select t.typbasetype where t.typbasetype <> 0
      union all select a.atttypid ${attributes}
      union all select r.rngsubtype from pg_catalog.pg_range r where r.rngtypid = t.oid
      ${multirangeDep}
    ) as dep(oid)
    where dep.oid >= ${FIRST_INTROSPECTED_OID}
)
select t.oid, t.typname::text, n.nspname::text, t.typtype::text, t.typcategory::text, t.typlen, t.typelem, t.typbasetype,
  (t.typsend::pg_catalog.oid <> 0 and t.typreceive::pg_catalog.oid <> 0),
  coalesce(p.proname::text, ''),
  (select r.rngsubtype from pg_catalog.pg_range r where r.rngtypid = t.oid),
  ${rangeOf},
  array(select a.attname::text ${attributes} order by a.attnum),
  array(select a.atttypid ${attributes} order by a.attnum),
  array(select e.enumlabel::text from pg_catalog.pg_enum e where e.enumtypid = t.oid order by e.enumsortorder),
  t.typdelim::text
from wanted w
  join pg_catalog.pg_type t on t.oid = w.oid
  join pg_catalog.pg_namespace n on n.oid = t.typnamespace
  left join pg_catalog.pg_proc p on p.oid = t.typsend`;
}

const KINDS: Record<string, TypeKind> = { b: 'base', c: 'composite', d: 'domain', e: 'enum', r: 'range', m: 'multirange', p: 'pseudo' };
const COLUMN_TYPES = [
  oids.OID, oids.TEXT, oids.TEXT, oids.TEXT, oids.TEXT, oids.INT2, oids.OID, oids.OID, oids.BOOL, oids.TEXT, oids.OID, oids.OID,
  oids.TEXT_ARRAY, oids.OID_ARRAY, oids.TEXT_ARRAY, oids.TEXT,
] as const;
const COLUMN_CODECS = COLUMN_TYPES.map((oid) => codecFor(oid, defaultTypeOptions)!);
const OID_ARRAY_CODEC = codecFor(oids.OID_ARRAY, defaultTypeOptions)!;

function serverMajor(version: string | undefined): number {
  const major = Number.parseInt(version ?? '', 10);
  return Number.isFinite(major) ? major : 14;
}

/** Write the introspection of `typeOids` (its own Sync) into `out`; uses the unnamed statement and portal. */
export function writeIntrospection(out: BufferWriter, typeOids: readonly number[], serverVersion: string | undefined): void {
  writeParse(out, '', introspectionSql(serverMajor(serverVersion) >= 14), [oids.OID_ARRAY]);
  const slot = beginBind(out, '', '', [1], 1);
  const param = beginParam(out);
  OID_ARRAY_CODEC.encode(typeOids, out);
  endParam(out, param);
  endBind(out, slot, [1]);
  writeExecute(out, '', 0);
  writeSync(out);
}

/** One DataRow of the introspection query → a type description. */
export function parseTypeRow(bytes: Uint8Array, view: DataView, start: number, end: number): TypeDescription {
  const count = view.getInt16(start);
  if (count !== COLUMN_CODECS.length) throw new ProtocolError(`type introspection returned ${count} columns, expected ${COLUMN_CODECS.length}`);
  const values: unknown[] = [];
  let pos = start + 2;
  for (let i = 0; i < count; i++) {
    const length = view.getInt32(pos);
    pos += 4;
    if (length < 0) {
      values.push(null);
      continue;
    }
    if (pos + length > end) throw new ProtocolError('DataRow is shorter than its field lengths declare: the server stream is corrupt');
    values.push(COLUMN_CODECS[i].decode(bytes, view, pos, length));
    pos += length;
  }
  const [oid, name, schema, typtype, category, typlen, elem, base, binary, send, subtype, range, attnames, atttypes, labels, delimiter] = values as [
    number, string, string, string, string, number, number, number, boolean, string, number | null, number | null, string[], number[], string[], string,
  ];
  const isArray = typtype === 'b' && category === 'A' && elem !== 0 && typlen === -1;
  const kind: TypeKind = isArray ? 'array' : (KINDS[typtype] ?? 'pseudo');
  const description: TypeDescription = { oid, name, schema, kind, binary, send };
  if (delimiter !== ',') description.delimiter = delimiter;
  if (isArray) description.elementOid = elem;
  if (kind === 'domain') description.baseOid = base;
  if (kind === 'range' && subtype !== null) description.subtypeOid = subtype;
  if (kind === 'multirange' && range !== null) description.rangeOid = range;
  if (kind === 'composite') description.attributes = attnames.map((attname, i) => ({ name: attname, typeOid: atttypes[i] }));
  if (kind === 'enum') description.labels = labels;
  return description;
}
