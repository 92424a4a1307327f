// Pool parameters whose type has a custom encoder: the encoder is a function of the main thread,
// so the main thread encodes the value and the worker binds the bytes as they are.

import type { BufferWriter } from '../../buffer/writer.js';
import { DecodeError, PgloomError } from '../../errors/client-errors.js';
import type { TypeCodec } from '../codec.js';
import type { TypeDescription } from './description.js';

/** A parameter value already in its wire form (0 = text, 1 = binary). */
export class PreEncoded {
  constructor(
    readonly bytes: Uint8Array,
    readonly format: 0 | 1,
  ) {}
}

/**
 * A worker met a parameter whose type the main thread encodes. Carries what the main thread needs
 * to do so and send the query again: the statement's parameter types, the parameter's index, and
 * the descriptions of its type (a domain or array the main thread may never have seen: results
 * name a domain by its base type).
 */
export class MainEncodingNeeded extends PgloomError {
  override name = 'MainEncodingNeeded';

  constructor(
    readonly paramOids: readonly number[] = [],
    readonly paramIndex = -1,
    readonly types: readonly TypeDescription[] = [],
  ) {
    super(`parameter $${paramIndex + 1} has a type with a custom encoder on the main thread: it must be encoded there`);
  }
}

/** The worker's codec for such a type: binds PreEncoded bytes, asks for everything else. */
export function mainEncodedCodec(oid: number, name: string, format: 'text' | 'binary'): TypeCodec {
  const decode = (): never => {
    throw new DecodeError(`${name} values are decoded on the main thread, by its custom codec`);
  };
  // As an array element: the main thread writes the whole array literal.
  const text = {
    parse: decode,
    format: (): never => {
      throw new MainEncodingNeeded();
    },
  };
  return {
    oid,
    name,
    ...(format === 'text' ? { format: 'text' as const, text } : {}),
    decode,
    encode(value: unknown, out: BufferWriter): void {
      if (!(value instanceof PreEncoded)) throw new MainEncodingNeeded();
      out.raw(value.bytes);
    },
  };
}
