// Picks the codec for a type OID under a set of type options. Codec tables are built once per
// distinct options combination, so a lookup is two map reads.

import { boolCodec } from './bool.js';
import { byteaCodec } from './bytea.js';
import { defaultTypeOptions, type TypeCodec, type TypeOptions } from './codec.js';
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
  ];
  return new Map(codecs.map((codec) => [codec.oid, codec]));
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
  };
  const key = `${full.int8}|${full.numeric}|${full.date}|${full.timestamp}|${full.time}|${full.interval}|${full.json}|${full.bytea}`;
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
  [oids.INT2VECTOR, 'int2vector'], [oids.REGPROC, 'regproc'], [oids.TID, 'tid'], [oids.OIDVECTOR, 'oidvector'],
  [oids.XML, 'xml'], [oids.POINT, 'point'], [oids.CIDR, 'cidr'], [oids.MONEY, 'money'], [oids.MACADDR, 'macaddr'],
  [oids.INET, 'inet'], [oids.BIT, 'bit'], [oids.VARBIT, 'varbit'], [oids.REGCLASS, 'regclass'], [oids.REGTYPE, 'regtype'],
  [oids.RECORD, 'record'], [oids.VOID, 'void'], [oids.PG_LSN, 'pg_lsn'], [oids.TSVECTOR, 'tsvector'],
  [oids.JSONPATH, 'jsonpath'], [oids.REGNAMESPACE, 'regnamespace'], [oids.REGROLE, 'regrole'], [oids.XID8, 'xid8'],
  [oids.BOOL_ARRAY, '_bool'], [oids.BYTEA_ARRAY, '_bytea'], [oids.CHAR_ARRAY, '_char'], [oids.NAME_ARRAY, '_name'],
  [oids.INT2_ARRAY, '_int2'], [oids.INT4_ARRAY, '_int4'], [oids.TEXT_ARRAY, '_text'], [oids.BPCHAR_ARRAY, '_bpchar'],
  [oids.VARCHAR_ARRAY, '_varchar'], [oids.INT8_ARRAY, '_int8'], [oids.FLOAT4_ARRAY, '_float4'], [oids.FLOAT8_ARRAY, '_float8'],
  [oids.OID_ARRAY, '_oid'], [oids.TIMESTAMP_ARRAY, '_timestamp'], [oids.DATE_ARRAY, '_date'], [oids.TIME_ARRAY, '_time'],
  [oids.TIMESTAMPTZ_ARRAY, '_timestamptz'], [oids.INTERVAL_ARRAY, '_interval'], [oids.NUMERIC_ARRAY, '_numeric'],
  [oids.TIMETZ_ARRAY, '_timetz'], [oids.UUID_ARRAY, '_uuid'], [oids.JSON_ARRAY, '_json'], [oids.JSONB_ARRAY, '_jsonb'],
]);

/** The PostgreSQL name of a built-in type: every type with a codec, plus common ones without. */
export function typeNameFor(oid: number): string | undefined {
  return tableFor(defaultTypeOptions).get(oid)?.name ?? OTHER_NAMES.get(oid);
}
