// jsonpath: a version byte (1), then the path's text. JS value: that text, as the server prints it.

import type { BufferWriter } from '../buffer/writer.js';
import { DecodeError } from '../errors/client-errors.js';
import type { TypeCodec } from './codec.js';
import { JSONPATH } from './oids.js';
import { checkText, decodeText } from './text.js';

const JSONPATH_VERSION = 1;

export const jsonpathCodec: TypeCodec<string> = {
  oid: JSONPATH,
  name: 'jsonpath',
  decode(bytes: Uint8Array, _view: DataView, start: number, length: number): string {
    if (length < 1 || bytes[start] !== JSONPATH_VERSION) {
      throw new DecodeError(`jsonpath: unsupported binary format version ${length < 1 ? '(empty value)' : bytes[start]}`);
    }
    return decodeText(bytes, start + 1, length - 1);
  },
  encode(value: unknown, out: BufferWriter): void {
    out.u8(JSONPATH_VERSION).utf8(checkText(value));
  },
};
