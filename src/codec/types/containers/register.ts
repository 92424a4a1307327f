// Adds the container codecs to a registry table, wrapping the element/subtype codecs already in
// it, so they follow the same TypeOptions and cover every scalar codec registered before them.

import type { TypeCodec, TypeOptions } from '../codec.js';
import * as oids from '../oids.js';
import { arrayCodec } from './array.js';
import { multirangeCodec } from './multirange.js';
import { rangeCodec, type BoundFromText } from './range.js';

/** int4's codec takes numbers only; a range literal's bounds are text. */
const int4FromText: BoundFromText = (text) => (/^\s*[+-]?\d+\s*$/.test(text) ? Number(text) : text);

/** [range OID, name, subtype OID, multirange OID, name]. */
const RANGES: readonly (readonly [number, string, number, number, string])[] = [
  [oids.INT4RANGE, 'int4range', oids.INT4, oids.INT4MULTIRANGE, 'int4multirange'],
  [oids.NUMRANGE, 'numrange', oids.NUMERIC, oids.NUMMULTIRANGE, 'nummultirange'],
  [oids.TSRANGE, 'tsrange', oids.TIMESTAMP, oids.TSMULTIRANGE, 'tsmultirange'],
  [oids.TSTZRANGE, 'tstzrange', oids.TIMESTAMPTZ, oids.TSTZMULTIRANGE, 'tstzmultirange'],
  [oids.DATERANGE, 'daterange', oids.DATE, oids.DATEMULTIRANGE, 'datemultirange'],
  [oids.INT8RANGE, 'int8range', oids.INT8, oids.INT8MULTIRANGE, 'int8multirange'],
];

/** The built-in range or multirange `oid`: its subtype, and (for a multirange) its range type. */
export function builtinRangeParts(oid: number): { name: string; subtypeOid: number; rangeOid?: number } | undefined {
  for (const [rangeOid, name, subtypeOid, multirangeOid, multirangeName] of RANGES) {
    if (oid === rangeOid) return { name, subtypeOid };
    if (oid === multirangeOid) return { name: multirangeName, subtypeOid, rangeOid };
  }
  return undefined;
}

/** Element types whose values JS typed arrays can hold. */
const NUMERIC_ELEMENTS = new Set([oids.INT2, oids.INT4, oids.INT8, oids.FLOAT4, oids.FLOAT8, oids.NUMERIC, oids.OID, oids.XID, oids.CID]);

/**
 * Element types whose JS values are (or may be) JS arrays, so nesting alone cannot tell
 * dimensions from values: multiranges, int2vector/oidvector (number[]), lseg/box ([Point, Point])
 * and polygon (Point[]). json/jsonb join them in the 'parse' mode.
 */
const ARRAY_VALUED_ELEMENTS = new Set([
  oids.INT4MULTIRANGE, oids.NUMMULTIRANGE, oids.TSMULTIRANGE, oids.TSTZMULTIRANGE, oids.DATEMULTIRANGE, oids.INT8MULTIRANGE,
  oids.INT2VECTOR, oids.OIDVECTOR, oids.LSEG, oids.BOX, oids.POLYGON,
]);

/** float4/float8 take numbers only: read a bound's text as the server's float input does. */
const floatFromText: BoundFromText = (text) => {
  if (/^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(text)) return Number(text);
  const special = /^\s*([+-]?)(inf|infinity|nan)\s*$/i.exec(text);
  if (special === null) return text;
  if (special[2].toLowerCase() === 'nan') return NaN;
  return special[1] === '-' ? -Infinity : Infinity;
};

/** The range-literal bound reader a range over `subtypeOid` needs (number-only subtype codecs). */
export function boundFromTextFor(subtypeOid: number): BoundFromText | undefined {
  if (subtypeOid === oids.INT4 || subtypeOid === oids.INT2) return int4FromText;
  if (subtypeOid === oids.FLOAT4 || subtypeOid === oids.FLOAT8) return floatFromText;
  return undefined;
}

/** Whether JS values of the built-in element type may be JS arrays (see ArrayCodecSpec.elementsMayBeArrays). */
export function builtinValuesMayBeArrays(elementOid: number, options: TypeOptions): boolean {
  const jsonParsed = (elementOid === oids.JSON || elementOid === oids.JSONB) && (options.json ?? 'parse') === 'parse';
  return jsonParsed || ARRAY_VALUED_ELEMENTS.has(elementOid);
}

/** Whether typed arrays may stand for arrays of the built-in element type. */
export function builtinAcceptsTypedArrays(elementOid: number): boolean {
  return NUMERIC_ELEMENTS.has(elementOid);
}

export function addContainerCodecs(table: Map<number, TypeCodec>, options: Required<TypeOptions>): void {
  for (const [oid, name, subtypeOid, multirangeOid, multirangeName] of RANGES) {
    const subtype = table.get(subtypeOid);
    if (subtype === undefined || table.has(oid)) continue;
    const range = rangeCodec({ oid, name, subtype, boundFromText: boundFromTextFor(subtypeOid) });
    table.set(oid, range);
    if (!table.has(multirangeOid)) table.set(multirangeOid, multirangeCodec({ oid: multirangeOid, name: multirangeName, range }));
  }
  for (const [elementOid, oid] of oids.ARRAY_TYPE_OF) {
    const element = table.get(elementOid);
    if (element === undefined || table.has(oid)) continue;
    table.set(
      oid,
      arrayCodec({
        oid,
        name: `_${element.name}`,
        element,
        elementsMayBeArrays: builtinValuesMayBeArrays(elementOid, options),
        acceptsTypedArrays: builtinAcceptsTypedArrays(elementOid),
      }),
    );
  }
}
