// Users' codecs (setTypeCodec), wrapped as TypeCodecs so that the engine and the batch readers
// treat them like any other. The wrappers check what the user's functions return, and turn what
// they throw into ParameterError / DecodeError naming the type.

import type { BufferWriter } from '../../buffer/writer.js';
import { DecodeError, ParameterError } from '../../errors/client-errors.js';
import type { TextForm, TypeCodec } from '../codec.js';
import { describeValue } from '../describe.js';
import { emptyRange, makeRange, type Range, type RangeBounds } from '../containers/range.js';
import { checkText, decodeText } from '../text.js';

interface CodecSpecBase {
  /** The type's schema; default: the first match on the search_path (as `'name'::regtype`). */
  schema?: string;
}

/** Exchange the type in PostgreSQL's text format: the decoder gets the server's text. */
export interface TextCodecSpec<T> extends CodecSpecBase {
  format: 'text';
  encoder: (value: T) => string;
  decoder: (text: string) => T;
}

/** Exchange the type in its binary format: the decoder gets a copy of the value's bytes. */
export interface BinaryCodecSpec<T> extends CodecSpecBase {
  format: 'binary';
  encoder: (value: T) => Uint8Array;
  decoder: (bytes: Uint8Array) => T;
}

/**
 * Composite and range types: the decoder gets the value as a tuple of already decoded parts
 * (a composite's attribute values in order; a range's `[lower, upper, bounds]`, bounds being
 * '[)', '[]', '(]', '()' or 'empty'), and the encoder returns such a tuple.
 */
export interface TupleCodecSpec<T> extends CodecSpecBase {
  format: 'tuple';
  encoder: (value: T) => unknown[];
  decoder: (tuple: unknown[]) => T;
}

export type TypeCodecSpec<T = unknown> = TextCodecSpec<T> | BinaryCodecSpec<T> | TupleCodecSpec<T>;

/** The tuple form of a composite or range: the default codec's parts, as an array. */
export interface TupleForm {
  decode(bytes: Uint8Array, view: DataView, start: number, length: number): unknown[];
  encode(tuple: unknown[], out: BufferWriter): void;
}

function decoded<T>(name: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof DecodeError) throw error;
    throw new DecodeError(`the custom decoder of type ${name} threw: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

function encoded<T>(name: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof ParameterError) throw error;
    throw new ParameterError(`the custom encoder of type ${name} threw: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

export function customCodec<T>(oid: number, name: string, spec: TypeCodecSpec<T>, tuple: TupleForm | undefined): TypeCodec<T> {
  const common = { oid, name, custom: true } as const;
  switch (spec.format) {
    case 'text': {
      const text: TextForm<T> = {
        parse: (source) => decoded(name, () => spec.decoder(source)),
        format(value) {
          const result = encoded(name, () => spec.encoder(value as T));
          if (typeof result !== 'string') throw new ParameterError(`the custom text encoder of type ${name} must return a string, it returned ${describeValue(result)}`);
          return result;
        },
      };
      return {
        ...common,
        format: 'text',
        text,
        decode: (bytes, _view, start, length) => text.parse(decodeText(bytes, start, length)),
        encode: (value: unknown, out: BufferWriter) => out.utf8(checkText(text.format(value))),
      };
    }
    case 'binary':
      return {
        ...common,
        // A copy the decoder may keep: the bytes are the socket's read buffer (a Buffer's slice() is a view).
        decode: (bytes, _view, start, length) => decoded(name, () => spec.decoder(new Uint8Array(bytes.subarray(start, start + length)))),
        encode(value: unknown, out: BufferWriter) {
          const bytes = encoded(name, () => spec.encoder(value as T));
          if (!(bytes instanceof Uint8Array)) throw new ParameterError(`the custom binary encoder of type ${name} must return a Uint8Array (or Buffer), it returned ${describeValue(bytes)}`);
          out.raw(bytes);
        },
      };
    case 'tuple': {
      if (tuple === undefined) throw new ParameterError(`type ${name} has no tuple form: 'tuple' codecs are for composite and range types`);
      return {
        ...common,
        decode: (bytes, view, start, length) => {
          const parts = tuple.decode(bytes, view, start, length);
          return decoded(name, () => spec.decoder(parts));
        },
        encode(value: unknown, out: BufferWriter) {
          const parts = encoded(name, () => spec.encoder(value as T));
          if (!Array.isArray(parts)) throw new ParameterError(`the custom tuple encoder of type ${name} must return an array, it returned ${describeValue(parts)}`);
          tuple.encode(parts, out);
        },
      };
    }
    default:
      throw new ParameterError(`codec format must be 'text', 'binary' or 'tuple', got ${describeValue((spec as { format: unknown }).format)}`);
  }
}

/** A range codec seen as tuples [lower, upper, bounds]. */
export function rangeTupleForm(range: TypeCodec): TupleForm {
  return {
    decode(bytes, view, start, length) {
      const value = range.decode(bytes, view, start, length) as Range;
      if (value.isEmpty) return [null, null, 'empty'];
      return [value.lower, value.upper, `${value.lowerInclusive ? '[' : '('}${value.upperInclusive ? ']' : ')'}`];
    },
    encode(tuple, out) {
      const [lower, upper, bounds = '[)'] = tuple;
      range.encode(bounds === 'empty' ? emptyRange() : makeRange(lower, upper, bounds as RangeBounds), out);
    },
  };
}
