// Column → binary COPY fields without building rows: one writer per column, picked once, then
// called per row. Typed arrays whose layout is already the column type's binary form are copied
// value by value (dates and timestamps re-based from 1970 to PostgreSQL's 2000 epoch); variable
// values already in wire form are copied as bytes; anything else goes through the type's codec.

import type { BufferWriter } from '../buffer/writer.js';
import { Layout, type FixedValues } from '../batch/layout.js';
import { BOOL, DATE, FLOAT4, FLOAT8, INT2, INT4, INT8, TIME, TIMESTAMP, TIMESTAMPTZ } from '../types/oids.js';
import type { TypeCodec } from '../types/codec.js';
import { writeField } from './record-encoder.js';

/** Appends row `row`'s field (length and value, or -1 for NULL). */
export type FieldWriter = (row: number, out: BufferWriter) => void;

/** 1970-01-01 − 2000-01-01 in days, and in µs. */
const EPOCH_DAYS = 10_957;
const EPOCH_US = 946_684_800_000_000n;
const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;
const INT64_MAX = 0x7fffffffffffffffn;
const INT64_MIN = -0x8000000000000000n;

/** Arrow's bit order: LSB first, 1 = present. */
function absent(validity: Uint8Array | undefined, row: number): boolean {
  return validity !== undefined && (validity[row >> 3] & (1 << (row & 7))) === 0;
}

/**
 * A writer copying `values` straight into fields of type `typeOid`, or undefined when the layout
 * is not that type's binary form (the caller then converts through the codec).
 */
export function typedFieldWriter(values: FixedValues, layout: Layout, typeOid: number, validity?: Uint8Array): FieldWriter | undefined {
  // Shaped for speed: one closure per column, no branching on the type inside the row loop.
  switch (layout) {
    case Layout.Int16: {
      if (typeOid !== INT2) return undefined;
      const v = values as Int16Array;
      return (r, out) => (absent(validity, r) ? void out.i32(-1) : void out.i32(2).i16(v[r]));
    }
    case Layout.Int32: {
      if (typeOid !== INT4) return undefined;
      const v = values as Int32Array;
      return (r, out) => (absent(validity, r) ? void out.i32(-1) : void out.i32(4).i32(v[r]));
    }
    case Layout.Int64: {
      if (typeOid !== INT8) return undefined;
      const v = values as BigInt64Array;
      return (r, out) => (absent(validity, r) ? void out.i32(-1) : void out.i32(8).i64(v[r]));
    }
    case Layout.Float32: {
      if (typeOid !== FLOAT4) return undefined;
      const v = values as Float32Array;
      return (r, out) => (absent(validity, r) ? void out.i32(-1) : void out.i32(4).f32(v[r]));
    }
    case Layout.Float64: {
      if (typeOid !== FLOAT8) return undefined;
      const v = values as Float64Array;
      return (r, out) => (absent(validity, r) ? void out.i32(-1) : void out.i32(8).f64(v[r]));
    }
    case Layout.Bool: {
      if (typeOid !== BOOL) return undefined;
      const v = values as Uint8Array;
      return (r, out) => (absent(validity, r) ? void out.i32(-1) : void out.i32(1).u8(v[r] === 0 ? 0 : 1));
    }
    case Layout.Date32: {
      if (typeOid !== DATE) return undefined;
      const v = values as Int32Array;
      return (r, out) => {
        if (absent(validity, r)) return void out.i32(-1);
        const days = v[r];
        // ±infinity are int32 max/min on both sides.
        out.i32(4).i32(days === INT32_MAX || days === INT32_MIN ? days : days - EPOCH_DAYS);
      };
    }
    case Layout.Timestamp64: {
      if (typeOid !== TIMESTAMP && typeOid !== TIMESTAMPTZ) return undefined;
      const v = values as BigInt64Array;
      return (r, out) => {
        if (absent(validity, r)) return void out.i32(-1);
        const us = v[r];
        out.i32(8).i64(us === INT64_MAX || us === INT64_MIN ? us : us - EPOCH_US);
      };
    }
    case Layout.Time64: {
      if (typeOid !== TIME) return undefined;
      const v = values as BigInt64Array;
      return (r, out) => (absent(validity, r) ? void out.i32(-1) : void out.i32(8).i64(v[r]));
    }
    default:
      return undefined;
  }
}

/** Values already in the type's binary wire form (a batch's variable column): copied as bytes. */
export function wireBytesFieldWriter(offsets: Int32Array, data: Uint8Array, validity?: Uint8Array): FieldWriter {
  return (r, out) => {
    if (absent(validity, r)) return void out.i32(-1);
    const start = offsets[r];
    const end = offsets[r + 1];
    out.i32(end - start).raw(data.subarray(start, end));
  };
}

/** Any values, through the column type's codec; `valueAt` returns null for NULL. */
export function codecFieldWriter(codec: TypeCodec, valueAt: (row: number) => unknown): FieldWriter {
  return (r, out) => writeField(codec, valueAt(r), out);
}
