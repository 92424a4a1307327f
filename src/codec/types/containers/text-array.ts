// Arrays exchanged as array literals (text format), for element types that can only be read and
// written as text: a custom text codec (setTypeCodec with format 'text') on a type whose binary
// form is not its text, or a type without binary I/O. Each element goes through the element
// type's text form, so '{a,b}' of such a type decodes to ['a', 'b'] rather than to one string.

import type { BufferWriter } from '../../buffer/writer.js';
import { ParameterError } from '../../errors/client-errors.js';
import type { TextForm, TypeCodec } from '../codec.js';
import { describeValue } from '../describe.js';
import { checkText, decodeText } from '../text.js';
import { formatArrayLiteral, parseArrayLiteral } from './array-literal.js';
import { arrayShape, checkElement, encodingElement, recordLowerBounds } from './array-shape.js';

export interface TextArrayCodecSpec {
  /** The array type's OID and name (typname, e.g. '_mood'). */
  oid: number;
  name: string;
  element: TextForm;
  /** The element type's typdelim: ',' except for box (';'). */
  delimiter: string;
  /** See ArrayCodecSpec.elementsMayBeArrays: true for users' codecs, whose values may be arrays. */
  elementsMayBeArrays: boolean;
}

/** Elements of a type pgloom has no codec for: the server's text as a string, both ways. */
export const plainTextForm: TextForm<string> = {
  parse: (text) => text,
  format(value: unknown): string {
    if (typeof value !== 'string') throw new ParameterError(`expected a string (this type has no binary form, so its text is sent as written), got ${describeValue(value)}`);
    return value;
  },
};

export function textArrayCodec(spec: TextArrayCodecSpec): TypeCodec<unknown[]> {
  const { oid, name, element, delimiter, elementsMayBeArrays } = spec;
  const rules = { elementsMayBeArrays, acceptsTypedArrays: false };
  const parse = (text: string): unknown => element.parse(text);
  return {
    oid,
    name,
    format: 'text',
    decode(bytes: Uint8Array, _view: DataView, start: number, length: number): unknown[] {
      const { value, dims, bounds } = parseArrayLiteral(decodeText(bytes, start, length), delimiter, name, parse);
      if (bounds.some((bound) => bound !== 1) || (elementsMayBeArrays && dims.length > 1)) recordLowerBounds(value, bounds);
      return value;
    },
    encode(value: unknown, out: BufferWriter): void {
      // A string is taken as an array literal already written.
      if (typeof value === 'string') {
        out.utf8(checkText(value));
        return;
      }
      const { dims, bounds } = arrayShape(value, rules);
      const literal = formatArrayLiteral(value as ArrayLike<unknown>, dims, bounds, delimiter, (item, path) => {
        checkElement(item, path);
        return encodingElement(path, () => checkText(element.format(item)));
      });
      out.utf8(literal);
    },
  };
}
