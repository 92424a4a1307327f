// A pgloom batch's columns as the buffers of Apache Arrow arrays, without loading apache-arrow:
// the Parquet export hands them to its encoder thread (which builds the Arrow batch there), the
// Arrow export builds its batches from them (arrow-batches.ts). The Arrow type of each column is
// fixed by its PostgreSQL type, so every batch of a stream has one schema. Fixed-width, text and
// bytea columns keep the batch's own buffers; other types are written as their text (see
// text-forms.ts).
//
// Why not result.toArrow(): a streamed RecordBatch has no toArrow() in the public API, and its
// types are inferred from the values, which can differ from one batch to the next.

import { Layout, type Column, type ColumnData, type FixedValues, type RecordBatch } from '../../main/index.js';
import { csvCells, presence } from './cell-writers.js';

/** The Arrow type a column is written as (arrowTypeOf in arrow-batches.ts makes the Arrow object). */
export type ArrowKind = 'int16' | 'int32' | 'uint32' | 'int64' | 'float32' | 'float64' | 'bool' | 'date32' | 'timestamp' | 'timestamptz' | 'time64' | 'binary' | 'utf8';

/** One column of one batch as Arrow buffers: `values` for fixed widths (bit-packed for bool), `offsets` and `data` for Utf8 and Binary. */
export interface ArrowColumn {
  length: number;
  nullCount: number;
  /** Arrow's validity bitmap (LSB first, 1 = present); absent when there is no NULL. */
  validity?: Uint8Array;
  values?: FixedValues | Uint8Array;
  offsets?: Int32Array;
  data?: Uint8Array;
}

export function arrowKindOf(column: Column): ArrowKind {
  switch (column.typeName) {
    case 'int2': return 'int16';
    case 'int4': return 'int32';
    case 'oid': case 'xid': case 'cid': return 'uint32';
    case 'int8': return 'int64';
    case 'float4': return 'float32';
    case 'float8': return 'float64';
    case 'bool': return 'bool';
    case 'date': return 'date32';
    case 'timestamp': return 'timestamp';
    case 'timestamptz': return 'timestamptz';
    case 'time': return 'time64';
    case 'bytea': return 'binary';
    default: return 'utf8';
  }
}

/** Types whose wire bytes in the CLI's pool are UTF-8 text already (numeric: its 'string' mode is text). */
const UTF8_WIRE = new Set(['text', 'varchar', 'bpchar', 'name', 'json', 'xml', 'numeric', 'unknown']);

const FIXED = new Set([Layout.Int16, Layout.Int32, Layout.Uint32, Layout.Int64, Layout.Float32, Layout.Float64, Layout.Date32, Layout.Timestamp64, Layout.Time64]);

function packBits(bytes: Uint8Array, length: number): Uint8Array {
  const bits = new Uint8Array(Math.ceil(length / 8));
  for (let i = 0; i < length; i++) if (bytes[i] !== 0) bits[i >> 3] |= 1 << (i & 7);
  return bits;
}

/** Strings as Arrow's UTF-8 offsets and bytes, encoded into one growing buffer. */
function utf8Column(texts: (string | null)[]): { offsets: Int32Array; data: Uint8Array } {
  const encoder = new TextEncoder();
  const offsets = new Int32Array(texts.length + 1);
  let data = new Uint8Array(Math.max(64, texts.length * 16));
  let at = 0;
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i];
    if (text !== null && text.length > 0) {
      // A UTF-16 unit becomes at most 3 UTF-8 bytes.
      if (at + text.length * 3 > data.length) {
        const grown = new Uint8Array(Math.max(data.length * 2, at + text.length * 3));
        grown.set(data.subarray(0, at));
        data = grown;
      }
      at += encoder.encodeInto(text, data.subarray(at)).written;
    }
    offsets[i + 1] = at;
  }
  return { offsets, data: data.subarray(0, at) };
}

/** Column `index` of a pgloom batch as the buffers of an Arrow array of `kind` (from arrowKindOf). */
export function arrowColumnOf(batch: RecordBatch<unknown>, index: number, kind: ArrowKind): ArrowColumn {
  const column: ColumnData = batch.data.columns[index];
  const typeName = batch.schema[index].typeName ?? '';
  const length = batch.numRows;
  const base: ArrowColumn = { length, nullCount: column.nullCount, ...(column.validity === undefined ? {} : { validity: column.validity }) };
  if (column.layout === Layout.Bool && kind === 'bool') return { ...base, values: packBits(column.values as Uint8Array, length) };
  if (FIXED.has(column.layout) && kind !== 'utf8') {
    // The fixed layouts hold exactly the Arrow type's values (dates in days, times in µs); types
    // mapped to text (regclass in Uint32, …) take the text path below.
    return { ...base, values: column.values! };
  }
  if (kind === 'timestamp' || kind === 'timestamptz') {
    throw new Error(`column ${JSON.stringify(batch.schema[index].name)} holds timestamps beyond year 294247, which Arrow and Parquet cannot store as µs since 1970: export it as text (… ::text) or use --format csv`);
  }
  if (kind === 'binary' || (kind === 'utf8' && UTF8_WIRE.has(typeName))) return { ...base, offsets: column.offsets!, data: column.data! };
  if (kind !== 'utf8') throw new Error(`column ${JSON.stringify(batch.schema[index].name)} (${typeName}) arrived in a layout the ${kind} Arrow type cannot take: export it as text (… ::text)`);
  const text = csvCells(batch, index);
  const present = presence(column);
  const texts = Array.from({ length }, (_, row) => (present(row) ? text(row) : null));
  return { ...base, ...utf8Column(texts) };
}
