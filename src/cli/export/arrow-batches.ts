// A pgloom batch as an Apache Arrow RecordBatch, for the Arrow and Parquet outputs. The Arrow type
// of each column is fixed by its PostgreSQL type, so every batch of a stream has one schema.
// Fixed-width, text and bytea columns wrap the batch's own buffers; other types are written as
// their text (see text-forms.ts).
//
// Why not result.toArrow(): a streamed RecordBatch has no toArrow() in the public API, and its
// types are inferred from the values, which can differ from one batch to the next.

import * as A from 'apache-arrow';
import { Layout, type Column, type ColumnData, type RecordBatch } from '../../main/index.js';
import { uniqueNames } from './batch-sink.js';
import { csvCells, presence } from './cell-writers.js';

/** Types whose wire bytes in the CLI's pool are UTF-8 text already (numeric: its 'string' mode is text). */
const UTF8_WIRE = new Set(['text', 'varchar', 'bpchar', 'name', 'json', 'xml', 'numeric', 'unknown']);

export function arrowTypeOf(column: Column): A.DataType {
  switch (column.typeName) {
    case 'int2': return new A.Int16();
    case 'int4': return new A.Int32();
    case 'oid': case 'xid': case 'cid': return new A.Uint32();
    case 'int8': return new A.Int64();
    case 'float4': return new A.Float32();
    case 'float8': return new A.Float64();
    case 'bool': return new A.Bool();
    case 'date': return new A.DateDay();
    case 'timestamp': return new A.TimestampMicrosecond();
    case 'timestamptz': return new A.TimestampMicrosecond('UTC');
    case 'time': return new A.TimeMicrosecond();
    case 'bytea': return new A.Binary();
    default: return new A.Utf8();
  }
}

export function arrowSchemaOf(columns: readonly Column[], format: string): A.Schema {
  const names = uniqueNames(columns, format);
  return new A.Schema(columns.map((column, i) => new A.Field(names[i], arrowTypeOf(column), true)));
}

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

const FIXED = new Set([Layout.Int16, Layout.Int32, Layout.Uint32, Layout.Int64, Layout.Float32, Layout.Float64, Layout.Date32, Layout.Timestamp64, Layout.Time64]);

function columnData(batch: RecordBatch<unknown>, index: number, type: A.DataType): A.Data {
  const column: ColumnData = batch.data.columns[index];
  const typeName = batch.schema[index].typeName ?? '';
  const length = batch.numRows;
  const base = { length, nullCount: column.nullCount, nullBitmap: column.validity ?? undefined };
  if (column.layout === Layout.Bool && A.DataType.isBool(type)) return A.makeData({ ...base, type: type as A.Bool, data: packBits(column.values as Uint8Array, length) });
  if (FIXED.has(column.layout) && !A.DataType.isUtf8(type)) {
    // The fixed layouts hold exactly the Arrow type's values (dates in days, times in µs); types
    // mapped to text (regclass in Uint32, …) take the text path below.
    return A.makeData({ ...base, type, data: column.values } as Parameters<typeof A.makeData>[0]);
  }
  if (A.DataType.isTimestamp(type)) {
    throw new Error(`column ${JSON.stringify(batch.schema[index].name)} holds timestamps beyond year 294247, which Arrow and Parquet cannot store as µs since 1970: export it as text (… ::text) or use --format csv`);
  }
  if (A.DataType.isBinary(type) || (A.DataType.isUtf8(type) && UTF8_WIRE.has(typeName))) {
    return A.makeData({ ...base, type: type as A.Utf8, valueOffsets: column.offsets!, data: column.data! });
  }
  const text = csvCells(batch, index);
  const present = presence(column);
  const texts = Array.from({ length }, (_, row) => (present(row) ? text(row) : null));
  const { offsets, data } = utf8Column(texts);
  return A.makeData({ ...base, type: new A.Utf8(), valueOffsets: offsets, data });
}

/** One pgloom batch as an Arrow RecordBatch of `schema` (from arrowSchemaOf). */
export function toArrowBatch(batch: RecordBatch<unknown>, schema: A.Schema): A.RecordBatch {
  const children = schema.fields.map((field, index) => columnData(batch, index, field.type as A.DataType));
  return new A.RecordBatch(schema, A.makeData({ type: new A.Struct(schema.fields), length: batch.numRows, nullCount: 0, children }));
}
