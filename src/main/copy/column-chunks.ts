// copyColumnsToTable's inputs — plain columns ({ name: TypedArray | values[] }), pgloom's own
// RecordBatch or Result (from pool.query / pool.stream), an Apache Arrow Table or RecordBatch
// (by duck typing: no import of apache-arrow) — encoded column by column into the binary COPY
// stream, in chunks, without building a row object.

import type { ArrowTable } from '../arrow.js';
import { BufferWriter } from '../../codec/buffer/writer.js';
import { Layout } from '../../codec/batch/layout.js';
import { writeBinaryCopyHeader, writeBinaryCopyTrailer } from '../../codec/copy/binary-format.js';
import { codecFieldWriter, typedFieldWriter, wireBytesFieldWriter, type FieldWriter } from '../../codec/copy/field-writers.js';
import type { CopyColumn } from '../../codec/copy/record-encoder.js';
import { describeValueType } from '../../codec/copy/value-type.js';
import { CopyDataError, InterfaceError, ParameterError } from '../../codec/errors/client-errors.js';
import type { TypeCatalog } from '../../codec/types/introspected/catalog.js';
import { FIRST_INTROSPECTED_OID } from '../../codec/types/introspected/description.js';
import { RecordBatch } from '../record-batch.js';
import { Result } from '../result.js';
import { arrowBytesWriter } from './arrow-bytes.js';
import { ARROW_DATE, ARROW_TIMESTAMP, arrowTemporalWriter, type ArrowTemporalVector } from './arrow-temporal.js';
import { CHUNK_BYTES } from './record-chunks.js';

/** The parts of an Apache Arrow Table or RecordBatch that are read (duck typing). */
export interface ArrowLike {
  readonly numRows: number;
  readonly schema: { readonly fields: readonly { readonly name: string }[] };
  getChildAt(index: number): ArrowVectorLike | null;
}

interface ArrowVectorLike extends ArrowTemporalVector {
  readonly length: number;
  readonly nullCount: number;
  readonly type: { readonly typeId: number; readonly unit?: number };
  get(index: number): unknown;
  toArray(): unknown;
}

type TypedColumn = Int16Array | Int32Array | BigInt64Array | Float32Array | Float64Array | Uint8Array | Uint16Array | Uint32Array | Int8Array | BigUint64Array;

export type ColumnarInput = Readonly<Record<string, TypedColumn | readonly unknown[]>> | RecordBatch<unknown> | Result<unknown> | ArrowLike | ArrowTable;

/** One column of one part: how to write it into a target column, and its JS value for messages. */
interface ColumnSource {
  writer(target: CopyColumn): FieldWriter;
  valueAt(row: number): unknown;
}

interface Part {
  numRows: number;
  columns: ColumnSource[];
}

function isArrowLike(input: unknown): input is ArrowLike {
  const candidate = input as Partial<ArrowLike>;
  return typeof candidate.getChildAt === 'function' && Array.isArray(candidate.schema?.fields) && typeof candidate.numRows === 'number';
}

/** The column names, in the order of the input. */
export function columnarNames(input: ColumnarInput): string[] {
  if (input instanceof RecordBatch || input instanceof Result) return (input instanceof Result ? input.columns : input.schema).map((c) => c.name);
  if (isArrowLike(input)) return input.schema.fields.map((f) => f.name);
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InterfaceError('columns must be an object of columns ({ name: TypedArray | values[] }), a RecordBatch or Result of pgloom, or an Apache Arrow Table');
  }
  const names = Object.keys(input);
  if (names.length === 0) throw new InterfaceError('columns has no column: give at least one');
  return names;
}

const LAYOUT_OF_ARRAY = new Map<unknown, Layout>([
  [Int16Array, Layout.Int16], [Int32Array, Layout.Int32], [BigInt64Array, Layout.Int64], [Float32Array, Layout.Float32], [Float64Array, Layout.Float64],
]);

function plainParts(input: Readonly<Record<string, TypedColumn | readonly unknown[]>>, names: string[]): Part[] {
  let numRows = -1;
  const columns = names.map((name): ColumnSource => {
    const values = input[name];
    const typed = ArrayBuffer.isView(values) && !(values instanceof DataView);
    if (!typed && !Array.isArray(values)) throw new InterfaceError(`column ${JSON.stringify(name)} must be a typed array or an array of values, got ${describeValueType(values)}`);
    const length = (values as ArrayLike<unknown>).length;
    if (numRows === -1) numRows = length;
    else if (length !== numRows) throw new InterfaceError(`column ${JSON.stringify(name)} has ${length} values but ${JSON.stringify(names[0])} has ${numRows}: every column needs one value per row`);
    const valueAt = (row: number) => (values as ArrayLike<unknown>)[row];
    const layout = typed ? LAYOUT_OF_ARRAY.get(values.constructor) : undefined;
    return {
      valueAt,
      writer: (target) => (layout === undefined ? undefined : typedFieldWriter(values as Int32Array, layout, target.codec.oid)) ?? codecFieldWriter(target.codec, valueAt),
    };
  });
  return [{ numRows, columns }];
}

function batchPart(batch: RecordBatch<unknown>, catalog: TypeCatalog): Part {
  const columns = batch.schema.map((column, i): ColumnSource => {
    const data = batch.columnData(i);
    const valueAt = (row: number) => (batch.isNull(i, row) ? null : batch.value(i, row));
    return {
      valueAt,
      writer: (target) => {
        if (data.layout !== Layout.Variable) return typedFieldWriter(data.values!, data.layout, target.codec.oid, data.validity) ?? codecFieldWriter(target.codec, valueAt);
        // Built-in types exchanged in binary arrive as their wire bytes: copied as they are. (An
        // introspected type's OID belongs to the server the batch came from.)
        const sameWireForm = column.typeOid === target.codec.oid && column.typeOid < FIRST_INTROSPECTED_OID && catalog.resultFormat(column.typeOid) === 1;
        return sameWireForm ? wireBytesFieldWriter(data.offsets!, data.data!, data.validity) : codecFieldWriter(target.codec, valueAt);
      },
    };
  });
  return { numRows: batch.numRows, columns };
}

/**
 * An Arrow value as pgloom's encoders take it: lists as arrays, structs as objects, dates as Date
 * (get() gives dates and timestamps as ms since 1970: exact only for targets other than timestamp,
 * date and time columns, which arrowTemporalWriter reads exactly).
 */
function fromArrow(value: unknown, typeId: number): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' && (typeId === ARROW_DATE || typeId === ARROW_TIMESTAMP)) return new Date(value);
  if (typeof value === 'object' && !ArrayBuffer.isView(value)) {
    const nested = value as { toArray?: () => unknown; type?: { typeId: number }; toJSON?: () => unknown; [Symbol.iterator]?: unknown };
    if (nested.type !== undefined && typeof nested[Symbol.iterator] === 'function') return Array.from(nested as Iterable<unknown>, (v) => fromArrow(v, nested.type!.typeId));
    if (typeof nested.toJSON === 'function' && !(value instanceof Date)) return nested.toJSON();
  }
  return value;
}

/** Arrow's type ids (its Type enum) of integers and floats. */
const ARROW_INT = 2;
const ARROW_FLOAT = 3;

function arrowPart(input: ArrowLike, names: string[]): Part {
  const columns = names.map((name, i): ColumnSource => {
    const vector = input.getChildAt(i);
    if (vector === null) throw new InterfaceError(`the Arrow table has no data for column ${JSON.stringify(name)}`);
    const typeId = vector.type.typeId;
    const valueAt = (row: number) => fromArrow(vector.get(row), typeId);
    return {
      valueAt,
      writer: (target) => {
        const exact = arrowTemporalWriter(vector, target, name) ?? arrowBytesWriter(vector, target);
        if (exact !== undefined) return exact;
        // Numbers only: toArray() gives them as one typed array; of any other type, an array of values.
        if (vector.nullCount === 0 && (typeId === ARROW_INT || typeId === ARROW_FLOAT)) {
          const values = vector.toArray();
          const layout = LAYOUT_OF_ARRAY.get((values as object | null)?.constructor);
          const direct = layout === undefined ? undefined : typedFieldWriter(values as Int32Array, layout, target.codec.oid);
          if (direct !== undefined) return direct;
        }
        return codecFieldWriter(target.codec, valueAt);
      },
    };
  });
  return { numRows: input.numRows, columns };
}

/** The input's parts: one per batch of a Result, one for anything else. */
export function columnarParts(input: ColumnarInput, names: string[], catalog: TypeCatalog): Iterable<Part> {
  if (input instanceof Result) return input.batches.map((batch) => batchPart(batch, catalog));
  if (input instanceof RecordBatch) return [batchPart(input, catalog)];
  if (isArrowLike(input)) return [arrowPart(input, names)];
  return plainParts(input as Readonly<Record<string, TypedColumn | readonly unknown[]>>, names);
}

export async function* binaryColumnChunks(parts: Iterable<Part>, targets: readonly CopyColumn[]): AsyncGenerator<Uint8Array> {
  let out = new BufferWriter(CHUNK_BYTES + 64 * 1024);
  writeBinaryCopyHeader(out);
  let base = 0;
  const count = targets.length;
  for (const part of parts) {
    const writers = part.columns.map((column, i) => column.writer(targets[i]));
    let row = 0;
    let column = 0;
    try {
      for (row = 0; row < part.numRows; row++) {
        out.i16(count);
        for (column = 0; column < count; column++) writers[column](row, out);
        if (out.length >= CHUNK_BYTES) {
          yield out.bytes.subarray(0, out.length);
          out = new BufferWriter(CHUNK_BYTES + 64 * 1024);
        }
      }
    } catch (error) {
      if (!(error instanceof ParameterError) && !(error instanceof TypeError) && !(error instanceof RangeError)) throw error;
      const target = targets[column];
      const type = describeValueType(part.columns[column].valueAt(row));
      throw new CopyDataError(`record ${base + row}, column ${JSON.stringify(target.name)} (${target.typeName}): a ${type} value was refused: ${error.message}`, base + row, target.name, type, { cause: error });
    }
    base += part.numRows;
  }
  writeBinaryCopyTrailer(out);
  yield out.bytes.subarray(0, out.length);
}
