// Enum types: binary form is the label's UTF-8 text (enum_send/enum_recv). Decoded as a string;
// the server checks a parameter against the labels, so a new label (ALTER TYPE … ADD VALUE)
// works without re-introspection.

import type { TypeCodec } from '../codec.js';
import { checkText, decodeText } from '../text.js';

export function enumCodec(oid: number, name: string): TypeCodec<string> {
  return {
    oid,
    name,
    decode: (bytes, _view, start, length) => decodeText(bytes, start, length),
    encode: (value, out) => void out.utf8(checkText(value)),
  };
}

/** A type whose binary form is its text (citext, and any type sending through textsend). */
export function textLikeCodec(oid: number, name: string): TypeCodec<string> {
  return enumCodec(oid, name);
}
