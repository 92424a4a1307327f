// Multiranges (PostgreSQL 14+): int32 range count, then each range as int32 byte length and the
// range's own binary form. Decoded to a plain JS array of `Range` objects.

import type { BufferWriter } from '../../buffer/writer.js';
import { DecodeError, ParameterError } from '../../errors/client-errors.js';
import type { TypeCodec } from '../codec.js';
import { rejectValue } from '../describe.js';
import type { Range } from './range.js';
import { parseMultirangeLiteral } from './range-literal.js';

/** A multirange: its ranges in the server's order (sorted, non-overlapping, without empty ones). */
export type Multirange<T = unknown> = Range<T>[];

export interface MultirangeCodecSpec {
  oid: number;
  name: string;
  /** The codec of the multirange's range type, which encodes and decodes every range. */
  range: TypeCodec<Range>;
}

const ACCEPTS = "an array of ranges (Range objects or range literal strings) or a multirange literal string such as '{[1,3), [5,7)}'";

export function multirangeCodec(spec: MultirangeCodecSpec): TypeCodec<Multirange> {
  const { oid, name, range } = spec;
  return {
    oid,
    name,
    decode(bytes: Uint8Array, view: DataView, start: number, length: number): Multirange {
      const end = start + length;
      if (length < 4) throw new DecodeError(`${name}: expected at least 4 bytes, got ${length}`);
      const count = view.getInt32(start);
      // Each range takes at least its 4-byte length and 1 flags byte.
      if (count < 0 || count * 5 > length - 4) throw new DecodeError(`${name}: invalid range count ${count}`);
      const result: Multirange = new Array<Range>(count);
      let pos = start + 4;
      for (let i = 0; i < count; i++) {
        if (pos + 4 > end) throw new DecodeError(`${name}: truncated range ${i}`);
        const rangeLength = view.getInt32(pos);
        pos += 4;
        if (rangeLength < 0 || pos + rangeLength > end) throw new DecodeError(`${name}: invalid length ${rangeLength} of range ${i}`);
        result[i] = range.decode(bytes, view, pos, rangeLength);
        pos += rangeLength;
      }
      if (pos !== end) throw new DecodeError(`${name}: ${end - pos} bytes left over after the last range`);
      return result;
    },
    encode(value: unknown, out: BufferWriter): void {
      // A literal's ranges are still bound texts: the range codec parses each bound as it would a range literal's.
      const ranges: readonly unknown[] = typeof value === 'string' ? parseMultirangeLiteral(value).map(rangeLiteralOf) : (value as unknown[]);
      if (!Array.isArray(ranges)) throw rejectValue(ACCEPTS, value);
      out.i32(ranges.length);
      for (let i = 0; i < ranges.length; i++) {
        const slot = out.length;
        out.i32(0);
        try {
          if (ranges[i] === null || ranges[i] === undefined) throw rejectValue('a range', ranges[i]);
          range.encode(ranges[i], out);
        } catch (error) {
          if (error instanceof ParameterError) throw new ParameterError(`range [${i}] of the multirange: ${error.message}`, { cause: error });
          throw error;
        }
        out.view.setInt32(slot, out.length - slot - 4);
      }
    },
  };
}

/** Re-quotes parsed bound texts as a single range literal, so the range codec applies its own text rules. */
function rangeLiteralOf(range: Range<string>): string {
  if (range.isEmpty) return 'empty';
  const quote = (text: string | null) => (text === null ? '' : `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`);
  return `${range.lowerInclusive ? '[' : '('}${quote(range.lower)},${quote(range.upper)}${range.upperInclusive ? ']' : ')'}`;
}
