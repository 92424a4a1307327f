// xml: the document's text. The server sends it in the client encoding (UTF-8 here) and reads a
// received value as UTF-8 unless its XML declaration names another encoding.

import type { BufferWriter } from '../buffer/writer.js';
import { ParameterError } from '../errors/client-errors.js';
import type { TypeCodec } from './codec.js';
import { XML } from './oids.js';
import { checkText, decodeText } from './text.js';

const DECLARED_ENCODING = /^\s*<\?xml\s[^?]*?encoding\s*=\s*["']([^"']*)["']/;

export const xmlCodec: TypeCodec<string> = {
  oid: XML,
  name: 'xml',
  decode(bytes: Uint8Array, _view: DataView, start: number, length: number): string {
    return decodeText(bytes, start, length);
  },
  encode(value: unknown, out: BufferWriter): void {
    const text = checkText(value);
    // We send UTF-8; a declaration naming another encoding would make the server misread any
    // non-ASCII character, so refuse rather than store different text.
    const declared = DECLARED_ENCODING.exec(text)?.[1];
    if (declared !== undefined && !/^utf-?8$/i.test(declared) && /[^\x00-\x7f]/.test(text)) {
      throw new ParameterError(
        `xml parameter declares encoding="${declared}" but is sent as UTF-8: remove the encoding declaration or use encoding="UTF-8"`,
      );
    }
    out.utf8(text);
  },
};
