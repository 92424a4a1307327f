// Arrow batches (from an Arrow or a Parquet file) as copyColumnsToTable's columns, and the
// PostgreSQL types --create gives Arrow's types.

import * as A from 'apache-arrow';
import { JsonText } from '../../main/index.js';
import { toMicros } from '../../main/copy/arrow-temporal.js';
import type { TargetColumn } from './target-table.js';

/** The SQL type --create gives an Arrow field. */
export function sqlTypeOf(type: A.DataType): string {
  switch (type.typeId) {
    case A.Type.Int: {
      const int = type as A.Int;
      if (int.bitWidth <= 16 && (int.isSigned || int.bitWidth <= 8)) return 'int2';
      if (int.bitWidth <= 32 && (int.isSigned || int.bitWidth <= 16)) return 'int4';
      return int.isSigned || int.bitWidth <= 32 ? 'int8' : 'numeric';
    }
    case A.Type.Float: return (type as A.Float).precision === A.Precision.DOUBLE ? 'float8' : 'float4';
    case A.Type.Bool: return 'bool';
    case A.Type.Utf8: case A.Type.LargeUtf8: case A.Type.Utf8View: return 'text';
    case A.Type.Binary: case A.Type.LargeBinary: case A.Type.FixedSizeBinary: case A.Type.BinaryView: return 'bytea';
    case A.Type.Date: return 'date';
    case A.Type.Timestamp: return (type as A.Timestamp).timezone ? 'timestamptz' : 'timestamp';
    case A.Type.Time: return 'time';
    case A.Type.Decimal: return `numeric(${(type as A.Decimal).precision}, ${(type as A.Decimal).scale})`;
    case A.Type.Interval: case A.Type.Duration: return 'interval';
    case A.Type.Dictionary: return sqlTypeOf((type as A.Dictionary).dictionary);
    default: return 'jsonb';
  }
}

/** Timestamps as bigint µs since 1970 (the vector's get() would give ms, losing the µs). */
function timestampValues(vector: A.Vector, type: A.Timestamp): (bigint | null)[] {
  const values = new Array<bigint | null>(vector.length);
  let row = 0;
  for (const data of vector.data) {
    const raw = data.values as BigInt64Array | Int32Array;
    for (let i = 0; i < data.length; i++, row++) {
      // ns are rounded half to even, as copyColumnsToTable and PostgreSQL itself round them.
      values[row] = data.getValid(i) ? toMicros(BigInt(raw[i]), type.unit) : null;
    }
  }
  return values;
}

const JSON_TYPES = new Set(['json', 'jsonb']);

/** A nested Arrow value (list, struct, map) as plain JSON-able JS. */
function plain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'object' && !ArrayBuffer.isView(value) && typeof (value as { toJSON?: unknown }).toJSON === 'function') return (value as { toJSON(): unknown }).toJSON();
  return value;
}

/** Arrow temporal types and the only target type each is handed to copyColumnsToTable as is for. */
const TEMPORAL_TARGETS = new Map<A.Type, ReadonlySet<string>>([
  [A.Type.Timestamp, new Set(['timestamp', 'timestamptz'])],
  [A.Type.Date, new Set(['date'])],
  [A.Type.Time, new Set(['time'])],
]);

/**
 * Whether copyColumnsToTable reads this column of the batch as it is, exactly: numbers and
 * booleans; strings and binaries (into text-like and bytea columns, as their bytes); timestamps,
 * dates and times into their own types (from the vector's arrays, to the µs). json targets and
 * nested or other types are converted here first.
 */
function readAsIs(type: A.DataType, target: TargetColumn | undefined): boolean {
  if (target === undefined || JSON_TYPES.has(target.typeName)) return false;
  switch (type.typeId) {
    case A.Type.Int: case A.Type.Float: case A.Type.Bool: case A.Type.Utf8: case A.Type.Binary: return true;
    default: return TEMPORAL_TARGETS.get(type.typeId)?.has(target.typeName) === true;
  }
}

/**
 * One Arrow batch as copyColumnsToTable takes it: the batch itself when every column is read as
 * it is (strings never become JS strings, timestamps never BigInts), else arrowBatchColumns'.
 */
export function arrowBatchInput(batch: A.RecordBatch, targets: ReadonlyMap<string, TargetColumn>): A.RecordBatch | Record<string, ArrayLike<unknown>> {
  return batch.schema.fields.every((field) => readAsIs(field.type as A.DataType, targets.get(field.name))) ? batch : arrowBatchColumns(batch, targets);
}

/**
 * One Arrow batch as { column: values } for copyColumnsToTable: typed arrays where the column has
 * no NULL (encoded without a JS value per row), else values; strings sent to json/jsonb columns
 * as JSON text (not as a JSON string), timestamps at µs.
 */
export function arrowBatchColumns(batch: A.RecordBatch, targets: ReadonlyMap<string, TargetColumn>): Record<string, ArrayLike<unknown>> {
  const columns: Record<string, ArrayLike<unknown>> = {};
  batch.schema.fields.forEach((field, index) => {
    const vector = batch.getChildAt(index)!;
    const type = field.type as A.DataType;
    const target = targets.get(field.name);
    if (A.DataType.isTimestamp(type)) {
      columns[field.name] = timestampValues(vector, type);
      return;
    }
    if (vector.nullCount === 0 && (A.DataType.isInt(type) || A.DataType.isFloat(type)) && vector.data.length === 1) {
      columns[field.name] = vector.toArray() as ArrayLike<unknown>;
      return;
    }
    const toJson = target !== undefined && JSON_TYPES.has(target.typeName);
    const values = new Array<unknown>(vector.length);
    for (let row = 0; row < vector.length; row++) {
      const value = vector.get(row) as unknown;
      if (value === null || value === undefined) values[row] = null;
      else if (toJson) values[row] = new JsonText(typeof value === 'string' ? value : JSON.stringify(plain(value)));
      else if (A.DataType.isDate(type)) values[row] = new Date(value as number);
      else values[row] = typeof value === 'object' && !ArrayBuffer.isView(value) ? JSON.stringify(plain(value)) : value;
    }
    columns[field.name] = values;
  });
  return columns;
}
