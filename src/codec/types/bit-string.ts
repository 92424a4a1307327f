// bit(n) and varbit: the bit count (int32), then the bits packed most significant first, the
// last byte zero-padded. JS value: a string of '0' and '1' characters, e.g. '10110'.

import type { BufferWriter } from '../buffer/writer.js';
import { DecodeError } from '../errors/client-errors.js';
import type { TypeCodec } from './codec.js';
import { rejectValue } from './describe.js';
import { BIT, VARBIT } from './oids.js';

const BYTE_BITS = Array.from({ length: 256 }, (_, b) => b.toString(2).padStart(8, '0'));
const ACCEPTS = "a string of '0' and '1' characters";

function bitStringCodec(oid: number, name: string): TypeCodec<string> {
  return {
    oid,
    name,
    decode(bytes: Uint8Array, view: DataView, start: number, length: number): string {
      if (length < 4) throw new DecodeError(`${name}: binary value too short (${length} bytes)`);
      const bitCount = view.getInt32(start);
      if (bitCount < 0 || length !== 4 + Math.ceil(bitCount / 8)) {
        throw new DecodeError(`${name}: ${bitCount} bits do not fit a ${length}-byte value`);
      }
      let text = '';
      const full = bitCount >> 3;
      for (let i = 0; i < full; i++) text += BYTE_BITS[bytes[start + 4 + i]];
      const rest = bitCount & 7;
      if (rest !== 0) text += BYTE_BITS[bytes[start + 4 + full]].slice(0, rest);
      return text;
    },
    encode(value: unknown, out: BufferWriter): void {
      if (typeof value !== 'string' || !/^[01]*$/.test(value)) throw rejectValue(ACCEPTS, value);
      out.i32(value.length);
      const byteCount = Math.ceil(value.length / 8);
      out.ensure(byteCount);
      const at = out.length;
      for (let i = 0; i < byteCount; i++) {
        // Missing trailing bits read as '0': the padding the server requires.
        const chunk = value.slice(i * 8, i * 8 + 8).padEnd(8, '0');
        out.bytes[at + i] = parseInt(chunk, 2);
      }
      out.length = at + byteCount;
    },
  };
}

export const bitCodec = bitStringCodec(BIT, 'bit');
export const varbitCodec = bitStringCodec(VARBIT, 'varbit');
