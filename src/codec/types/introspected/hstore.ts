// The hstore extension type (hstore_send/hstore_recv): int32 pair count, then per pair the key as
// int32 length + UTF-8 bytes, and the value as int32 length (-1 = NULL) + bytes. Decoded to a
// plain object, or a Map with the option hstore: 'Map'. Keys are never NULL.

import type { BufferWriter } from '../../buffer/writer.js';
import { DecodeError, ParameterError } from '../../errors/client-errors.js';
import type { TypeCodec } from '../codec.js';
import { describeValue } from '../describe.js';
import { checkText, decodeText } from '../text.js';
import { setOwn } from './composite.js';

export type Hstore = Record<string, string | null>;

const ACCEPTS = 'a plain object or a Map of string keys to string or null values';

export function hstoreCodec(oid: number, name: string, as: 'object' | 'Map'): TypeCodec<Hstore | Map<string, string | null>> {
  function decode(bytes: Uint8Array, view: DataView, start: number, length: number): Hstore | Map<string, string | null> {
    const end = start + length;
    if (length < 4) throw new DecodeError(`${name}: expected at least 4 bytes, got ${length}`);
    const count = view.getInt32(start);
    // Each pair takes at least its two 4-byte lengths.
    if (count < 0 || count * 8 > length - 4) throw new DecodeError(`${name}: invalid pair count ${count}`);
    const map = as === 'Map' ? new Map<string, string | null>() : undefined;
    const object: Hstore = {};
    let pos = start + 4;
    const read = (what: string, nullable: boolean): string | null => {
      if (pos + 4 > end) throw new DecodeError(`${name}: truncated ${what}`);
      const size = view.getInt32(pos);
      pos += 4;
      if (size === -1 && nullable) return null;
      if (size < 0 || pos + size > end) throw new DecodeError(`${name}: invalid ${what} length ${size}`);
      const text = decodeText(bytes, pos, size);
      pos += size;
      return text;
    };
    for (let i = 0; i < count; i++) {
      const key = read('key', false)!;
      const value = read('value', true);
      if (map) map.set(key, value);
      else setOwn(object, key, value);
    }
    if (pos !== end) throw new DecodeError(`${name}: ${end - pos} bytes left over after the last pair`);
    return map ?? object;
  }

  function entriesOf(value: unknown): [string, unknown][] {
    if (value instanceof Map) return [...value.entries()] as [string, unknown][];
    if (typeof value === 'object' && value !== null) {
      const prototype: unknown = Object.getPrototypeOf(value);
      if (prototype === Object.prototype || prototype === null) return Object.entries(value);
    }
    throw new ParameterError(`expected ${ACCEPTS}, got ${describeValue(value)} (for hstore text, write $1::text::hstore)`);
  }

  function encode(value: unknown, out: BufferWriter): void {
    const entries = entriesOf(value);
    out.i32(entries.length);
    for (const [key, item] of entries) {
      if (typeof key !== 'string') throw new ParameterError(`hstore keys must be strings, got ${describeValue(key)}`);
      const slot = out.length;
      out.i32(0);
      out.utf8(checkText(key));
      out.view.setInt32(slot, out.length - slot - 4);
      if (item === null) {
        out.i32(-1);
        continue;
      }
      if (typeof item !== 'string') throw new ParameterError(`hstore value of key '${key}': expected a string or null, got ${describeValue(item)}`);
      const valueSlot = out.length;
      out.i32(0);
      out.utf8(checkText(item));
      out.view.setInt32(valueSlot, out.length - valueSlot - 4);
    }
  }

  return { oid, name, decode, encode };
}
