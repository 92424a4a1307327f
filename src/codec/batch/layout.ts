// The columnar batch layout shared by the worker (which builds batches) and the main thread (which
// reads them). Plain data only: a batch crosses threads by structured clone with every buffer
// transferred. Fixed-width columns follow Arrow's physical layouts so toArrow() can wrap them.

import * as oids from '../types/oids.js';

export enum Layout {
  Int16 = 0,
  Int32 = 1,
  Uint32 = 2,
  /** int8 as BigInt64Array. */
  Int64 = 3,
  Float32 = 4,
  Float64 = 5,
  /** One byte per value, 0 or 1. */
  Bool = 6,
  /** Int32Array of days since 1970-01-01; ±infinity kept as int32 max/min. */
  Date32 = 7,
  /** BigInt64Array of µs since 1970-01-01 (UTC for timestamptz); ±infinity kept as int64 max/min. */
  Timestamp64 = 8,
  /** BigInt64Array of µs since midnight. */
  Time64 = 9,
  /** Int32Array offsets (numRows + 1) into a Uint8Array of the values' wire bytes (UTF-8 for text). */
  Variable = 10,
}

export type FixedValues = Int16Array | Int32Array | Uint32Array | BigInt64Array | Float32Array | Float64Array | Uint8Array;

export interface ColumnData {
  layout: Layout;
  /** Fixed-width layouts: one slot per row (slots of NULL rows hold 0). May be longer than numRows. */
  values?: FixedValues;
  /** Variable layout: numRows + 1 offsets into `data`. */
  offsets?: Int32Array;
  data?: Uint8Array;
  /** Arrow bit order (LSB first, 1 = present); absent when the batch has no NULL in this column. */
  validity?: Uint8Array;
  nullCount: number;
}

export interface BatchData {
  numRows: number;
  columns: ColumnData[];
}

/** The layout a column of this type gets: fixed width for the common scalars, else raw wire bytes. */
export function layoutFor(typeOid: number, binary: boolean): Layout {
  if (!binary) return Layout.Variable;
  switch (typeOid) {
    case oids.INT2: return Layout.Int16;
    case oids.INT4: return Layout.Int32;
    case oids.OID:
    case oids.XID:
    case oids.CID: return Layout.Uint32;
    case oids.INT8: return Layout.Int64;
    case oids.FLOAT4: return Layout.Float32;
    case oids.FLOAT8: return Layout.Float64;
    case oids.BOOL: return Layout.Bool;
    case oids.DATE: return Layout.Date32;
    case oids.TIMESTAMP:
    case oids.TIMESTAMPTZ: return Layout.Timestamp64;
    case oids.TIME: return Layout.Time64;
    default: return Layout.Variable;
  }
}

/** The typed array of a fixed-width layout with room for `length` values; undefined for Variable. */
export function newFixedValues(layout: Layout, length: number): FixedValues | undefined {
  switch (layout) {
    case Layout.Int16: return new Int16Array(length);
    case Layout.Int32:
    case Layout.Date32: return new Int32Array(length);
    case Layout.Uint32: return new Uint32Array(length);
    case Layout.Int64:
    case Layout.Timestamp64:
    case Layout.Time64: return new BigInt64Array(length);
    case Layout.Float32: return new Float32Array(length);
    case Layout.Float64: return new Float64Array(length);
    case Layout.Bool: return new Uint8Array(length);
    default: return undefined;
  }
}

/** Every ArrayBuffer of a batch, for a postMessage transfer list (each once). */
export function buffersOf(batch: BatchData): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const column of batch.columns) {
    for (const part of [column.values, column.offsets, column.data, column.validity]) {
      if (part !== undefined) buffers.add(part.buffer as ArrayBuffer);
    }
  }
  return [...buffers];
}
