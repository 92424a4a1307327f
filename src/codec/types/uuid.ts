// uuid: 16 bytes; text form is lower-case hex in 8-4-4-4-12 groups.

import type { BufferWriter } from '../buffer/writer.js';
import type { TypeCodec } from './codec.js';
import { badLength, rejectValue } from './describe.js';
import { UUID } from './oids.js';

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

const ACCEPTS = "a UUID string such as 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' (hyphens optional, braces and upper case allowed)";

export const uuidCodec: TypeCodec<string> = {
  oid: UUID,
  name: 'uuid',
  decode(bytes: Uint8Array, _view: DataView, start: number, length: number): string {
    if (length !== 16) throw badLength('uuid', 16, length);
    const b = bytes;
    const s = start;
    return (
      HEX[b[s]] + HEX[b[s + 1]] + HEX[b[s + 2]] + HEX[b[s + 3]] + '-' +
      HEX[b[s + 4]] + HEX[b[s + 5]] + '-' +
      HEX[b[s + 6]] + HEX[b[s + 7]] + '-' +
      HEX[b[s + 8]] + HEX[b[s + 9]] + '-' +
      HEX[b[s + 10]] + HEX[b[s + 11]] + HEX[b[s + 12]] + HEX[b[s + 13]] + HEX[b[s + 14]] + HEX[b[s + 15]]
    );
  },
  encode(value: unknown, out: BufferWriter): void {
    if (typeof value !== 'string') throw rejectValue(ACCEPTS, value);
    // The same grammar as PostgreSQL's uuid input: optional braces around the whole value,
    // and an optional hyphen after any group of four hex digits.
    let pos = 0;
    const braced = value.charCodeAt(0) === 123; // '{'
    if (braced) pos++;
    out.ensure(16);
    const at = out.length;
    for (let i = 0; i < 16; i++) {
      const hi = hexValue(value.charCodeAt(pos));
      const lo = hexValue(value.charCodeAt(pos + 1));
      if (hi < 0 || lo < 0) throw rejectValue(ACCEPTS, value);
      out.bytes[at + i] = (hi << 4) | lo;
      pos += 2;
      if (i % 2 === 1 && i < 15 && value.charCodeAt(pos) === 45) pos++; // '-'
    }
    if (braced) {
      if (value.charCodeAt(pos) !== 125) throw rejectValue(ACCEPTS, value); // '}'
      pos++;
    }
    if (pos !== value.length) throw rejectValue(ACCEPTS, value);
    out.length = at + 16;
  },
};
