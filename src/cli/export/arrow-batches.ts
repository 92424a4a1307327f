// Apache Arrow batches from the buffers of arrow-columns.ts: for the Arrow export on the main
// thread, and for the Parquet export in its encoder thread (buffers that crossed threads).

import * as A from 'apache-arrow';
import type { ArrowColumn, ArrowKind } from './arrow-columns.js';

export function arrowTypeOf(kind: ArrowKind): A.DataType {
  switch (kind) {
    case 'int16': return new A.Int16();
    case 'int32': return new A.Int32();
    case 'uint32': return new A.Uint32();
    case 'int64': return new A.Int64();
    case 'float32': return new A.Float32();
    case 'float64': return new A.Float64();
    case 'bool': return new A.Bool();
    case 'date32': return new A.DateDay();
    case 'timestamp': return new A.TimestampMicrosecond();
    case 'timestamptz': return new A.TimestampMicrosecond('UTC');
    case 'time64': return new A.TimeMicrosecond();
    case 'binary': return new A.Binary();
    case 'utf8': return new A.Utf8();
  }
}

/** The schema of a stream whose columns are `names` (unique: see uniqueNames) of `kinds`. */
export function arrowSchemaOf(names: readonly string[], kinds: readonly ArrowKind[]): A.Schema {
  return new A.Schema(names.map((name, i) => new A.Field(name, arrowTypeOf(kinds[i]), true)));
}

function arrowData(type: A.DataType, column: ArrowColumn): A.Data {
  const base = { type, length: column.length, nullCount: column.nullCount, nullBitmap: column.validity };
  if (column.offsets !== undefined) return A.makeData({ ...base, valueOffsets: column.offsets, data: column.data } as Parameters<typeof A.makeData>[0]);
  return A.makeData({ ...base, data: column.values } as Parameters<typeof A.makeData>[0]);
}

/** One batch of `schema` over the columns' buffers (no copy). */
export function arrowBatchOf(schema: A.Schema, length: number, columns: readonly ArrowColumn[]): A.RecordBatch {
  const children = schema.fields.map((field, index) => arrowData(field.type as A.DataType, columns[index]));
  return new A.RecordBatch(schema, A.makeData({ type: new A.Struct(schema.fields), length, nullCount: 0, children }));
}

/** A batch with no rows: what carries the schema of a file whose query returned none. */
export function emptyArrowBatch(schema: A.Schema): A.RecordBatch {
  const children = schema.fields.map((field) => A.makeData({ type: field.type, length: 0 } as Parameters<typeof A.makeData>[0]));
  return new A.RecordBatch(schema, A.makeData({ type: new A.Struct(schema.fields), length: 0, nullCount: 0, children }));
}
