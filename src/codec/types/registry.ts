// Picks the codec for a type OID under a set of type options. Codec tables are built once per
// distinct options combination, so a lookup is two map reads.

import { boolCodec } from './bool.js';
import { byteaCodec } from './bytea.js';
import { defaultTypeOptions, type TypeCodec, type TypeOptions } from './codec.js';
import { addContainerCodecs } from './containers/register.js';
import { dateCodec } from './datetime/date.js';
import { intervalCodec } from './datetime/interval.js';
import { timeCodec, timetzCodec } from './datetime/time.js';
import { timestampCodec, timestamptzCodec } from './datetime/timestamp.js';
import { float4Codec, float8Codec } from './floats.js';
import { cidCodec, int2Codec, int4Codec, int8Codec, oidCodec, xidCodec } from './integers.js';
import { jsonCodec, jsonbCodec } from './json.js';
import { numericCodec } from './numeric.js';
import * as oids from './oids.js';
import { bpcharCodec, charCodec, nameCodec, textTypeCodec, unknownCodec, varcharCodec } from './text.js';
import { uuidCodec } from './uuid.js';
import { voidCodec } from './void.js';
// ---- More scalars (network, geometric, bit strings, text search, …) ----
import { bitCodec, varbitCodec } from './bit-string.js';
import { boxCodec, circleCodec, lineCodec, lsegCodec, pathCodec, pointCodec, polygonCodec } from './geometric.js';
import { jsonpathCodec } from './jsonpath.js';
import { pgLsnCodec } from './lsn.js';
import { moneyCodec } from './money.js';
import { cidrCodec, inetCodec, macaddr8Codec, macaddrCodec } from './network.js';
import { regCodecs } from './reg-types.js';
import { tsqueryCodec, tsvectorCodec } from './text-search.js';
import { tidCodec } from './tid.js';
import { pgSnapshotCodec, txidSnapshotCodec, xid8Codec } from './transaction-ids.js';
import { int2vectorCodec, oidvectorCodec } from './vectors.js';
import { xmlCodec } from './xml.js';
// ---- end of more scalars ----

type Table = Map<number, TypeCodec>;

function buildTable(o: Required<TypeOptions>): Table {
  const codecs: TypeCodec[] = [
    boolCodec,
    byteaCodec(o.bytea),
    charCodec,
    nameCodec,
    int8Codec(o.int8),
    int2Codec,
    int4Codec,
    textTypeCodec,
    oidCodec,
    xidCodec,
    cidCodec,
    jsonCodec(o.json),
    float4Codec,
    float8Codec,
    unknownCodec,
    bpcharCodec,
    varcharCodec,
    dateCodec(o.date),
    timeCodec(o.time),
    timestampCodec(o.timestamp),
    timestamptzCodec(o.timestamp),
    intervalCodec(o.interval),
    timetzCodec(o.time),
    numericCodec(o.numeric),
    uuidCodec,
    jsonbCodec(o.json),
    voidCodec,
    // ---- More scalars (network, geometric, bit strings, text search, …) ----
    inetCodec, cidrCodec, macaddrCodec, macaddr8Codec,
    pointCodec, lineCodec, lsegCodec, boxCodec, pathCodec, polygonCodec, circleCodec,
    bitCodec, varbitCodec,
    moneyCodec, xmlCodec, pgLsnCodec, tidCodec, xid8Codec, pgSnapshotCodec, txidSnapshotCodec,
    ...regCodecs,
    int2vectorCodec, oidvectorCodec,
    tsvectorCodec, tsqueryCodec, jsonpathCodec,
    // ---- end of more scalars ----
  ];
  const table: Table = new Map(codecs.map((codec) => [codec.oid, codec]));
  // Containers (arrays, ranges, multiranges) wrap the codecs above, so they come last.
  addContainerCodecs(table, o);
  return table;
}

const byKey = new Map<string, Table>();
// Callers usually pass the same options object every time: skip building the key then.
// (Options objects are treated as immutable once used.)
const byObject = new WeakMap<TypeOptions, Table>();

function tableFor(options: TypeOptions): Table {
  let table = byObject.get(options);
  if (table !== undefined) return table;
  const full: Required<TypeOptions> = {
    int8: options.int8 ?? defaultTypeOptions.int8,
    numeric: options.numeric ?? defaultTypeOptions.numeric,
    date: options.date ?? defaultTypeOptions.date,
    timestamp: options.timestamp ?? defaultTypeOptions.timestamp,
    time: options.time ?? defaultTypeOptions.time,
    interval: options.interval ?? defaultTypeOptions.interval,
    json: options.json ?? defaultTypeOptions.json,
    bytea: options.bytea ?? defaultTypeOptions.bytea,
    hstore: options.hstore ?? defaultTypeOptions.hstore,
  };
  const key = `${full.int8}|${full.numeric}|${full.date}|${full.timestamp}|${full.time}|${full.interval}|${full.json}|${full.bytea}|${full.hstore}`;
  table = byKey.get(key);
  if (table === undefined) {
    table = buildTable(full);
    byKey.set(key, table);
  }
  byObject.set(options, table);
  return table;
}

/** The binary codec for `oid`, or undefined when the type has none (the caller then uses text format). */
export function codecFor(oid: number, options: TypeOptions): TypeCodec | undefined {
  return tableFor(options).get(oid);
}

// Names of common built-in types that have no binary codec here (they are read as text).
const OTHER_NAMES = new Map<number, string>([
  [oids.RECORD, 'record'],
  // Built-ins read as text (no binary I/O, or no codec here), and their arrays (text-array codecs).
  [1033, 'aclitem'], [1034, '_aclitem'], [1790, 'refcursor'], [2201, '_refcursor'],
  [2275, 'cstring'], [1263, '_cstring'], [3642, 'gtsvector'], [3644, '_gtsvector'],
  // (Arrays of the types with codecs have codecs themselves: see containers/register.ts.)
]);

/** The PostgreSQL name of a built-in type: every type with a codec, plus common ones without. */
export function typeNameFor(oid: number): string | undefined {
  return tableFor(defaultTypeOptions).get(oid)?.name ?? OTHER_NAMES.get(oid);
}

/** The built-in codec for the type named `name` ('text', 'int4', '_int4', …), for setBuiltinTypeCodec. */
export function builtinCodecNamed(name: string, options: TypeOptions): TypeCodec | undefined {
  for (const codec of tableFor(options).values()) if (codec.name === name) return codec;
  return undefined;
}
