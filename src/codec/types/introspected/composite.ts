// Composite types and anonymous records, in record_send's binary format:
//   int32 column count, then per column: uint32 type OID, int32 byte length (-1 = NULL), bytes.
// Dropped attributes are not sent. A named composite decodes to a plain object keyed by
// attribute name (or, in tuple form, an array in attribute order); an anonymous record
// (`row(1, 'a')`, type record) to an array, since its fields have no names.

import type { BufferWriter } from '../../buffer/writer.js';
import { DecodeError, ParameterError } from '../../errors/client-errors.js';
import type { TypeCodec } from '../codec.js';
import { describeValue } from '../describe.js';

export interface CompositeField {
  name: string;
  typeOid: number;
  codec: TypeCodec;
}

export interface CompositeCodecSpec {
  oid: number;
  name: string;
  fields: readonly CompositeField[];
  /** Decode to an array in attribute order instead of an object ('tuple' custom codecs). */
  asTuple?: boolean;
}

const STALE_HINT = 'the type changed since pgloom introspected it (ALTER TYPE?): call reloadSchemaState() on the connection or pool';

/** Walks the fields of one record value; `visit` gets each field's OID and bytes (length -1 = NULL). */
function readRecord(
  typeName: string,
  bytes: Uint8Array,
  view: DataView,
  start: number,
  length: number,
  visit: (index: number, count: number, oid: number, at: number, fieldLength: number) => void,
): number {
  const end = start + length;
  if (length < 4) throw new DecodeError(`${typeName}: a record needs at least 4 bytes, got ${length}`);
  const count = view.getInt32(start);
  // Each field takes at least its 8-byte header: refuse absurd counts before allocating.
  if (count < 0 || count * 8 > length - 4) throw new DecodeError(`${typeName}: invalid record field count ${count}`);
  let pos = start + 4;
  for (let i = 0; i < count; i++) {
    if (pos + 8 > end) throw new DecodeError(`${typeName}: truncated record field ${i}`);
    const oid = view.getUint32(pos);
    const fieldLength = view.getInt32(pos + 4);
    pos += 8;
    if (fieldLength < -1 || pos + Math.max(fieldLength, 0) > end) throw new DecodeError(`${typeName}: invalid length ${fieldLength} of record field ${i}`);
    visit(i, count, oid, pos, fieldLength);
    if (fieldLength > 0) pos += fieldLength;
  }
  if (pos !== end) throw new DecodeError(`${typeName}: ${end - pos} bytes left over after the last record field`);
  return count;
}

function decodeField(field: TypeCodec, typeName: string, label: string, bytes: Uint8Array, view: DataView, at: number, length: number): unknown {
  try {
    return field.decode(bytes, view, at, length);
  } catch (error) {
    if (error instanceof DecodeError) throw new DecodeError(`${typeName}.${label}: ${error.message}`, { cause: error });
    throw error;
  }
}

export function compositeCodec(spec: CompositeCodecSpec): TypeCodec {
  const { oid, name, fields, asTuple = false } = spec;
  const names = new Set(fields.map((f) => f.name));
  const accepts = `an object with keys among ${fields.map((f) => f.name).join(', ')} (missing keys are NULL), or an array of ${fields.length} value(s) in attribute order`;

  function decode(bytes: Uint8Array, view: DataView, start: number, length: number): unknown {
    const values: unknown[] = new Array<unknown>(fields.length);
    readRecord(name, bytes, view, start, length, (i, count, fieldOid, at, fieldLength) => {
      if (count !== fields.length) throw new DecodeError(`${name}: the server sent ${count} attribute(s) but pgloom knows ${fields.length}: ${STALE_HINT}`);
      const field = fields[i];
      if (fieldOid !== field.typeOid) {
        throw new DecodeError(`${name}.${field.name}: the server sent type oid ${fieldOid} but pgloom knows oid ${field.typeOid} (${field.codec.name}): ${STALE_HINT}`);
      }
      values[i] = fieldLength < 0 ? null : decodeField(field.codec, name, field.name, bytes, view, at, fieldLength);
    });
    if (asTuple) return values;
    const result: Record<string, unknown> = {};
    for (let i = 0; i < fields.length; i++) setOwn(result, fields[i].name, values[i]);
    return result;
  }

  /** The parameter as one value per attribute, in order. */
  function valuesOf(value: unknown): readonly unknown[] {
    if (Array.isArray(value)) {
      if (value.length !== fields.length) throw new ParameterError(`${name} has ${fields.length} attribute(s) but the array has ${value.length} value(s): expected ${accepts}`);
      return value;
    }
    if (typeof value !== 'object' || value === null || value instanceof Date || ArrayBuffer.isView(value) || value instanceof Map) {
      throw new ParameterError(`expected ${accepts}, got ${describeValue(value)}`);
    }
    for (const key of Object.keys(value)) {
      if (!names.has(key)) throw new ParameterError(`${name} has no attribute '${key}': its attributes are ${[...names].join(', ')}`);
    }
    const record = value as Record<string, unknown>;
    return fields.map((f) => (Object.prototype.hasOwnProperty.call(record, f.name) ? record[f.name] : null));
  }

  function encode(value: unknown, out: BufferWriter): void {
    const values = valuesOf(value);
    out.i32(fields.length);
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i];
      const item = values[i];
      out.u32(field.typeOid);
      if (item === null || item === undefined) {
        out.i32(-1);
        continue;
      }
      const slot = out.length;
      out.i32(0);
      try {
        field.codec.encode(item, out);
      } catch (error) {
        if (error instanceof ParameterError) throw new ParameterError(`attribute ${field.name} of ${name}: ${error.message}`, { cause: error });
        throw error;
      }
      out.view.setInt32(slot, out.length - slot - 4);
    }
  }

  return { oid, name, decode, encode };
}

/** Finds the codec of a field type by OID (the connection's catalog). */
export type CodecLookup = (oid: number) => TypeCodec | undefined;

/**
 * The anonymous record type (oid 2249): each value names its fields' types, so they are looked up
 * as the value is decoded. Decodes to an array of field values. The server cannot receive
 * anonymous records, so encoding is refused.
 */
export function recordCodec(oid: number, lookup: CodecLookup): TypeCodec<unknown[]> {
  const name = 'record';
  return {
    oid,
    name,
    decode(bytes: Uint8Array, view: DataView, start: number, length: number): unknown[] {
      let values: unknown[] = [];
      readRecord(name, bytes, view, start, length, (i, count, fieldOid, at, fieldLength) => {
        if (i === 0) values = new Array<unknown>(count);
        if (fieldLength < 0) {
          values[i] = null;
          return;
        }
        const codec = lookup(fieldOid);
        if (codec === undefined || codec.format === 'text') {
          throw new DecodeError(
            `record field ${i + 1} has type oid ${fieldOid}, which pgloom has no binary codec for (or has not introspected yet): cast the row to a named composite type (row(…)::my_type), or select the field as a column of its own`,
          );
        }
        values[i] = decodeField(codec, name, `f${i + 1}`, bytes, view, at, fieldLength);
      });
      return values;
    },
    encode(): void {
      throw new ParameterError('PostgreSQL cannot receive an anonymous record as a parameter: cast the parameter to a named composite type ($1::my_type)');
    },
  };
}

/** Sets a key even when it is '__proto__', which plain assignment would treat as the prototype. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
