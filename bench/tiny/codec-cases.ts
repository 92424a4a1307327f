// The values the codec suite decodes and encodes: one column per type of the issue, and the
// seven-column row of the mixed workload for framing and for building rows from a batch. The
// composite is built as pgloom builds it after introspection, from a TypeDescription: no server.

import type { TypeDescription } from '../../src/codec/types/introspected/description.js';
import { TypeCatalog } from '../../src/codec/types/introspected/catalog.js';
import { BOOL, BYTEA, FLOAT8, INT4, INT4_ARRAY, INT8, JSONB, NUMERIC, TEXT, TIMESTAMPTZ, UUID } from '../../src/codec/types/oids.js';
import type { ColumnSpec } from './wire-rows.js';

/** Any OID from FIRST_INTROSPECTED_OID on that no built-in type uses. */
const COMPOSITE_OID = 90_001;

/** `create type tiny_pair as (id int4, name text, score float8)`, as introspection describes it. */
const compositeDescription: TypeDescription = {
  oid: COMPOSITE_OID,
  name: 'tiny_pair',
  schema: 'public',
  kind: 'composite',
  binary: true,
  send: 'record_send',
  attributes: [
    { name: 'id', typeOid: INT4 },
    { name: 'name', typeOid: TEXT },
    { name: 'score', typeOid: FLOAT8 },
  ],
};

/** A connection's type catalog with the default type options, knowing the composite. */
export function codecCatalog(): TypeCatalog {
  const catalog = new TypeCatalog({});
  catalog.add([compositeDescription]);
  return catalog;
}

const EPOCH_2020_MS = Date.UTC(2020, 0, 1);

function uuidOf(i: number): string {
  return `${((i * 2654435761) >>> 0).toString(16).padStart(8, '0')}-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
}

function bytesOf(i: number): Uint8Array {
  const bytes = new Uint8Array(32);
  for (let k = 0; k < bytes.length; k++) bytes[k] = (i + k * 7) & 0xff;
  return bytes;
}

export const codecColumns: readonly ColumnSpec[] = [
  { name: 'int4', oid: INT4, value: (i) => i - 50_000 },
  { name: 'int8', oid: INT8, value: (i) => BigInt(i) * 1_000_003n },
  { name: 'float8', oid: FLOAT8, value: (i) => i * 1.5 + 0.25 },
  // numeric(14,2) as PostgreSQL prints it: pgloom requests numeric results as text.
  { name: 'numeric', oid: NUMERIC, value: (i) => (i * 1.1).toFixed(2) },
  { name: 'text', oid: TEXT, value: (i) => `name-${i}` },
  { name: 'bytea', oid: BYTEA, value: bytesOf },
  { name: 'timestamptz', oid: TIMESTAMPTZ, value: (i) => new Date(EPOCH_2020_MS + i * 1000) },
  { name: 'jsonb', oid: JSONB, value: (i) => ({ id: i, tags: ['a', 'b'], ok: i % 2 === 0 }) },
  { name: 'uuid', oid: UUID, value: uuidOf },
  { name: 'int4[]', oid: INT4_ARRAY, value: (i) => Array.from({ length: 10 }, (_, k) => i + k) },
  { name: 'composite', oid: COMPOSITE_OID, value: (i) => ({ id: i, name: `name-${i}`, score: i * 0.25 }) },
];

/** The mixed workload's row (shared/BENCHMARKS.md). */
export const mixedColumns: readonly ColumnSpec[] = [
  { name: 'id', oid: INT4, value: (i) => i },
  { name: 'x', oid: FLOAT8, value: (i) => i * 1.5 },
  { name: 'name', oid: TEXT, value: (i) => `name-${i}` },
  { name: 'ts', oid: TIMESTAMPTZ, value: (i) => new Date(EPOCH_2020_MS + i * 1000) },
  { name: 'flag', oid: BOOL, value: (i) => i % 2 === 0 },
  { name: 'big', oid: INT8, value: (i) => BigInt(i) * 1000n },
  { name: 'amount', oid: NUMERIC, value: (i) => (i * 1.1).toFixed(2) },
];
