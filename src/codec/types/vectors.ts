// int2vector and oidvector: on the wire, one-dimensional arrays (array_send format) with lower
// bound 0 and no NULLs. JS value: an array of numbers.

import type { BufferWriter } from '../buffer/writer.js';
import { DecodeError, ParameterError } from '../errors/client-errors.js';
import type { TypeCodec } from './codec.js';
import { rejectValue } from './describe.js';
import { INT2, INT2VECTOR, OID, OIDVECTOR } from './oids.js';

function vectorCodec(oid: number, name: string, elementOid: number, min: number, max: number): TypeCodec<number[]> {
  const size = elementOid === INT2 ? 2 : 4;
  const accepts = `a non-empty array of integers from ${min} to ${max}`;
  return {
    oid,
    name,
    decode(_bytes: Uint8Array, view: DataView, start: number, length: number): number[] {
      const fail = (why: string) => new DecodeError(`${name}: ${why}`);
      if (length < 12) throw fail(`binary value too short (${length} bytes)`);
      const ndim = view.getInt32(start);
      const elementType = view.getUint32(start + 8);
      if (elementType !== elementOid) throw fail(`unexpected element type ${elementType}`);
      if (ndim === 0) {
        if (length !== 12) throw fail('trailing bytes after an empty vector');
        return [];
      }
      if (ndim !== 1 || length < 20) throw fail(`expected a one-dimensional array, got ${ndim} dimensions`);
      const count = view.getInt32(start + 12);
      if (count < 0 || length !== 20 + count * (4 + size)) throw fail(`${count} elements do not fit a ${length}-byte value`);
      const values: number[] = new Array(count);
      let at = start + 20;
      for (let i = 0; i < count; i++) {
        if (view.getInt32(at) !== size) throw fail(`element ${i} is not a ${size}-byte value`);
        values[i] = size === 2 ? view.getInt16(at + 4) : view.getUint32(at + 4);
        at += 4 + size;
      }
      return values;
    },
    encode(value: unknown, out: BufferWriter): void {
      if (!Array.isArray(value) || !value.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max)) {
        throw rejectValue(accepts, value);
      }
      if (value.length === 0) {
        // The server's binary input turns zero elements into a 0-dimensional array, which it then
        // rejects as a vector; its text input accepts '' though.
        throw new ParameterError(`an empty ${name} cannot be sent in binary: pass '' as text, e.g. $1::text::${name}`);
      }
      out.i32(1).i32(0).u32(elementOid).i32(value.length).i32(0);
      for (const n of value as number[]) {
        out.i32(size);
        if (size === 2) out.i16(n);
        else out.u32(n);
      }
    },
  };
}

export const int2vectorCodec = vectorCodec(INT2VECTOR, 'int2vector', INT2, -32768, 32767);
export const oidvectorCodec = vectorCodec(OIDVECTOR, 'oidvector', OID, 0, 4294967295);
