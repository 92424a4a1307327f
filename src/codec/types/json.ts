// json: UTF-8 text. jsonb: a version byte (1) then the same text.

import type { BufferWriter } from '../buffer/writer.js';
import { DecodeError, ParameterError } from '../errors/client-errors.js';
import type { TypeCodec, TypeOptions } from './codec.js';
import { describeValue } from './describe.js';
import { JSON as JSON_OID, JSONB } from './oids.js';
import { decodeText } from './text.js';

const JSONB_VERSION = 1;

/**
 * JSON text to send verbatim. Every other value — strings included — is serialised with
 * JSON.stringify, so `'abc'` is sent as the JSON string "abc", never as raw JSON text.
 */
export class JsonText {
  constructor(readonly text: string) {}
}

/** The JSON text for a parameter value. */
export function jsonTextOf(value: unknown): string {
  if (value instanceof JsonText) {
    if (typeof value.text !== 'string') throw new ParameterError(`JsonText must wrap a string, got ${describeValue(value.text)}`);
    return value.text;
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    if (error instanceof TypeError && /bigint/i.test(error.message)) {
      throw new ParameterError(
        'JSON.stringify cannot serialise a bigint: convert it to a number or string first (or pass the JSON text in a JsonText)',
        { cause: error },
      );
    }
    throw new ParameterError(`value cannot be serialised as JSON: ${(error as Error).message}`, { cause: error });
  }
  if (text === undefined) {
    throw new ParameterError(`expected a JSON-serialisable value (or a JsonText), got ${describeValue(value)}, which JSON.stringify turns into nothing`);
  }
  return text;
}

function decodeJsonText(text: string, mode: Required<TypeOptions>['json']): unknown {
  if (mode === 'string') return text;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DecodeError(`json value from the server is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

/** In 'string' mode JSON travels as text both ways: a string parameter is JSON text, sent verbatim. */
function jsonParameterText(value: unknown, mode: Required<TypeOptions>['json']): string {
  return mode === 'string' && typeof value === 'string' ? value : jsonTextOf(value);
}

function makeJson(mode: Required<TypeOptions>['json']): TypeCodec {
  return {
    oid: JSON_OID,
    name: 'json',
    decode(bytes: Uint8Array, _view: DataView, start: number, length: number): unknown {
      return decodeJsonText(decodeText(bytes, start, length), mode);
    },
    encode(value: unknown, out: BufferWriter): void {
      out.utf8(jsonParameterText(value, mode));
    },
  };
}

function makeJsonb(mode: Required<TypeOptions>['json']): TypeCodec {
  return {
    oid: JSONB,
    name: 'jsonb',
    decode(bytes: Uint8Array, _view: DataView, start: number, length: number): unknown {
      if (length < 1 || bytes[start] !== JSONB_VERSION) {
        throw new DecodeError(`jsonb: unsupported binary format version ${length < 1 ? '(empty value)' : bytes[start]}`);
      }
      return decodeJsonText(decodeText(bytes, start + 1, length - 1), mode);
    },
    encode(value: unknown, out: BufferWriter): void {
      const text = jsonParameterText(value, mode);
      out.u8(JSONB_VERSION).utf8(text);
    },
  };
}

const jsonParse = makeJson('parse');
const jsonString = makeJson('string');
const jsonbParse = makeJsonb('parse');
const jsonbString = makeJsonb('string');

export function jsonCodec(mode: Required<TypeOptions>['json']): TypeCodec {
  return mode === 'string' ? jsonString : jsonParse;
}

export function jsonbCodec(mode: Required<TypeOptions>['json']): TypeCodec {
  return mode === 'string' ? jsonbString : jsonbParse;
}
