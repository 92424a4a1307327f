// Encodes records (arrays in column order, or objects keyed by column name) as tuples of the
// binary COPY format with the columns' own binary codecs — the encoders Bind uses for parameters.
// A value a codec refuses rolls the tuple back and raises CopyDataError naming record and column.

import type { BufferWriter } from '../buffer/writer.js';
import { CopyDataError, ParameterError } from '../errors/client-errors.js';
import type { TypeCodec } from '../types/codec.js';
import { describeValueType } from './value-type.js';

/** One target column: its name and the codec of its type. */
export interface CopyColumn {
  name: string;
  /** PostgreSQL's name of the column's type, for error messages. */
  typeName: string;
  codec: TypeCodec;
}

export class BinaryRecordEncoder {
  private readonly names: string[];
  private readonly codecs: TypeCodec[];
  /** The column being written: read only when a value is refused (a field, not a closure per record). */
  private current = -1;

  constructor(readonly columns: readonly CopyColumn[]) {
    this.names = columns.map((c) => c.name);
    this.codecs = columns.map((c) => c.codec);
  }

  /** Append record `index` as one tuple; on a bad value `out` is rolled back and CopyDataError thrown. */
  write(record: unknown, index: number, out: BufferWriter): void {
    const mark = out.length;
    this.current = -1;
    try {
      if (Array.isArray(record)) this.writeArray(record, index, out);
      else if (typeof record === 'object' && record !== null) this.writeObject(record as Record<string, unknown>, index, out);
      else throw new CopyDataError(`record ${index} is ${describeValueType(record)}: pass each record as an array of values in column order or an object keyed by column name`, index, '', describeValueType(record));
    } catch (error) {
      out.length = mark;
      throw this.explain(error, record, index, this.current);
    }
  }

  private writeArray(values: readonly unknown[], index: number, out: BufferWriter): void {
    const count = this.codecs.length;
    if (values.length !== count) {
      throw new CopyDataError(`record ${index} has ${values.length} value(s) but the COPY has ${count} column(s) (${this.names.join(', ')}): pass one value per column, null for NULL`, index);
    }
    out.i16(count);
    // Shaped for speed: one pass, no lookups, the codec picked per column once.
    for (let i = 0; i < count; i++) {
      this.current = i;
      writeField(this.codecs[i], values[i], out);
    }
  }

  private writeObject(record: Record<string, unknown>, index: number, out: BufferWriter): void {
    const count = this.codecs.length;
    out.i16(count);
    for (let i = 0; i < count; i++) {
      this.current = i;
      const value = record[this.names[i]];
      if (value === undefined && !(this.names[i] in record)) {
        throw new CopyDataError(`record ${index} has no property ${JSON.stringify(this.names[i])}: give every column a value (null for NULL), or name the columns to copy with { columns }`, index, this.names[i], 'undefined');
      }
      writeField(this.codecs[i], value, out);
    }
  }

  private explain(error: unknown, record: unknown, index: number, column: number): unknown {
    if (error instanceof CopyDataError || column < 0) return error;
    const name = this.names[column];
    const value = Array.isArray(record) ? record[column] : (record as Record<string, unknown>)[name];
    const type = describeValueType(value);
    const reason = error instanceof Error ? error.message : String(error);
    if (!(error instanceof ParameterError) && !(error instanceof TypeError) && !(error instanceof RangeError)) return error;
    return new CopyDataError(`record ${index}, column ${JSON.stringify(name)} (${this.columns[column].typeName}): a ${type} value was refused: ${reason}`, index, name, type, { cause: error });
  }
}

/** One field: its length and binary value, or -1 for NULL. */
export function writeField(codec: TypeCodec, value: unknown, out: BufferWriter): void {
  if (value === null || value === undefined) {
    if (value === undefined) throw new ParameterError('undefined is not a value: pass null for SQL NULL, or the value you meant');
    out.i32(-1);
    return;
  }
  const slot = out.beginLength();
  codec.encode(value, out);
  out.view.setInt32(slot, out.length - slot - 4);
}
