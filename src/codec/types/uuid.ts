// uuid: 16 bytes; text form is lower-case hex in 8-4-4-4-12 groups.

import type { BufferWriter } from '../buffer/writer.js';
import type { TypeCodec } from './codec.js';
import { badLength, rejectValue } from './describe.js';
import { UUID } from './oids.js';

// The two hex digits of each byte as character codes.
const HIGH = Uint8Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0').charCodeAt(0));
const LOW = Uint8Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0').charCodeAt(1));
const DASH = 0x2d;

/** The value of a hex digit's character code (either case), or -1. */
export function hexValue(code: number): number {
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
    // One flat string from character codes: concatenating 20 pieces made a tree of 19 strings per
    // value, which cost ~2 µs a value in garbage collection once a result kept its rows (tinybench).
    return String.fromCharCode(
      HIGH[b[s]], LOW[b[s]], HIGH[b[s + 1]], LOW[b[s + 1]], HIGH[b[s + 2]], LOW[b[s + 2]], HIGH[b[s + 3]], LOW[b[s + 3]], DASH,
      HIGH[b[s + 4]], LOW[b[s + 4]], HIGH[b[s + 5]], LOW[b[s + 5]], DASH,
      HIGH[b[s + 6]], LOW[b[s + 6]], HIGH[b[s + 7]], LOW[b[s + 7]], DASH,
      HIGH[b[s + 8]], LOW[b[s + 8]], HIGH[b[s + 9]], LOW[b[s + 9]], DASH,
      HIGH[b[s + 10]], LOW[b[s + 10]], HIGH[b[s + 11]], LOW[b[s + 11]], HIGH[b[s + 12]], LOW[b[s + 12]], HIGH[b[s + 13]], LOW[b[s + 13]], HIGH[b[s + 14]], LOW[b[s + 14]], HIGH[b[s + 15]], LOW[b[s + 15]],
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
