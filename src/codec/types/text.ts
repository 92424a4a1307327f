// Text-like types (text, varchar, bpchar, name, unknown): their binary form is the UTF-8 text
// itself. Also "char", the one-byte internal type.

import type { BufferWriter } from '../buffer/writer.js';
import { ParameterError } from '../errors/client-errors.js';
import type { TypeCodec } from './codec.js';
import { badLength, rejectValue } from './describe.js';
import { BPCHAR, CHAR, NAME, TEXT, UNKNOWN, VARCHAR } from './oids.js';

/**
 * Node's Buffer decodes a byte range to a string without a view per call, about twice as fast as
 * TextDecoder on short values, and, unlike a TextDecoder, keeps a leading U+FEFF, which in a
 * PostgreSQL value is data, not a byte-order mark. It works on any Uint8Array.
 */
type Utf8Slice = (this: Uint8Array, start: number, end: number) => string;
const ownSlice = (Buffer.prototype as unknown as { utf8Slice?: Utf8Slice }).utf8Slice;
// It is not in Node's documented API: should a runtime lack it, the standard decoder serves.
const bomKeepingDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
const utf8Slice: Utf8Slice =
  typeof ownSlice === 'function' ? ownSlice : function (this: Uint8Array, start, end) { return bomKeepingDecoder.decode(this.subarray(start, end)); };

/** Up to this many bytes a plain loop beats the call into Node for ASCII. */
const SHORT_ASCII = 8;

/** UTF-8 text of bytes[start .. start+length); invalid sequences become U+FFFD. */
export function decodeText(bytes: Uint8Array, start: number, length: number): string {
  if (length <= SHORT_ASCII) {
    let text = '';
    const end = start + length;
    let i = start;
    for (; i < end; i++) {
      const b = bytes[i];
      if (b >= 0x80) break;
      text += String.fromCharCode(b);
    }
    if (i === end) return text;
  }
  return utf8Slice.call(bytes, start, start + length);
}

/** Throws unless `value` is a string PostgreSQL can store (no NUL characters). */
export function checkText(value: unknown): string {
  if (typeof value !== 'string') throw rejectValue('a string', value);
  if (value.includes('\u0000')) {
    throw new ParameterError(
      `string contains a NUL character (U+0000) at index ${value.indexOf('\u0000')}, which PostgreSQL text cannot store: remove it, or send the data as bytea`,
    );
  }
  return value;
}

function textCodec(oid: number, name: string): TypeCodec<string> {
  return {
    oid,
    name,
    decode(bytes: Uint8Array, _view: DataView, start: number, length: number): string {
      return decodeText(bytes, start, length);
    },
    encode(value: unknown, out: BufferWriter): void {
      out.utf8(checkText(value));
    },
  };
}

export const textTypeCodec = textCodec(TEXT, 'text');
export const varcharCodec = textCodec(VARCHAR, 'varchar');
export const bpcharCodec = textCodec(BPCHAR, 'bpchar');
export const nameCodec = textCodec(NAME, 'name');
export const unknownCodec = textCodec(UNKNOWN, 'unknown');

// "char" is one raw byte. PostgreSQL prints byte 0 as '' and (since version 15) a byte with the
// high bit set as a backslash and three octal digits; decode the same way so text and binary agree.
const CHAR_OCTAL = /^\\([0-3][0-7]{2})$/;

export const charCodec: TypeCodec<string> = {
  oid: CHAR,
  name: 'char',
  decode(bytes: Uint8Array, _view: DataView, start: number, length: number): string {
    if (length !== 1) throw badLength('"char"', 1, length);
    const b = bytes[start];
    if (b === 0) return '';
    if (b < 0x80) return String.fromCharCode(b);
    return '\\' + b.toString(8);
  },
  encode(value: unknown, out: BufferWriter): void {
    if (typeof value === 'string') {
      if (value.length === 0) {
        out.u8(0);
        return;
      }
      if (value.length === 1 && value.charCodeAt(0) < 0x80 && value !== '\u0000') {
        out.u8(value.charCodeAt(0));
        return;
      }
      const octal = CHAR_OCTAL.exec(value);
      if (octal !== null) {
        out.u8(parseInt(octal[1], 8));
        return;
      }
    }
    throw rejectValue(`a "char" value: '' or one ASCII character, or '\\ooo' (three octal digits) for a byte`, value);
  },
};
