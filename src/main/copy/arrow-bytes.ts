// Arrow strings into text columns and Arrow binaries into bytea columns as their bytes: an Arrow
// Utf8 value holds the UTF-8 that binary COPY sends for text (the server checks it is valid), so
// it is copied, never decoded into a JS string and encoded again.

import { wireBytesFieldWriter, type FieldWriter } from '../../codec/copy/field-writers.js';
import type { CopyColumn } from '../../codec/copy/record-encoder.js';
import { BPCHAR, BYTEA, NAME, TEXT, VARCHAR } from '../../codec/types/oids.js';
import { joinedValidity } from './arrow-temporal.js';

/** Arrow's type ids (its Type enum) of the variable-width types read here. */
const ARROW_BINARY = 4;
const ARROW_UTF8 = 5;

/** The columns whose binary form is the text's UTF-8 bytes as they are. */
const TEXT_OIDS = new Set([TEXT, VARCHAR, BPCHAR, NAME]);

/** One chunk of an Arrow Utf8 or Binary vector (apache-arrow's Data), duck-typed. */
interface ArrowBytesData {
  readonly length: number;
  readonly offset: number;
  readonly nullCount: number;
  readonly valueOffsets?: unknown;
  readonly values?: unknown;
  readonly nullBitmap?: Uint8Array | null;
}

export interface ArrowBytesVector {
  readonly length: number;
  readonly type: { readonly typeId: number };
  readonly data?: readonly ArrowBytesData[];
}

/**
 * The writer of an Arrow Utf8 column into a text, varchar, char or name column, or of a Binary
 * column into a bytea column; undefined for any other pair, or a layout not read here (64-bit
 * offsets), and the caller then goes through get() and the codec.
 */
export function arrowBytesWriter(vector: ArrowBytesVector, target: CopyColumn): FieldWriter | undefined {
  const { typeId } = vector.type;
  const oid = target.codec.oid;
  const fits = (typeId === ARROW_UTF8 && TEXT_OIDS.has(oid)) || (typeId === ARROW_BINARY && oid === BYTEA);
  const chunks = vector.data;
  if (!fits || chunks === undefined || !chunks.every((chunk) => chunk.valueOffsets instanceof Int32Array && chunk.values instanceof Uint8Array)) return undefined;
  // Arrow JS slices a chunk's offsets when it slices the chunk, not its bytes (the offsets still
  // point into them) nor its validity bits (`offset` says where they start).
  if (chunks.length === 1 && chunks[0].nullCount === 0) return wireBytesFieldWriter(chunks[0].valueOffsets as Int32Array, chunks[0].values as Uint8Array);
  let bytes = 0;
  for (const chunk of chunks) {
    const offsets = chunk.valueOffsets as Int32Array;
    bytes += offsets[chunk.length] - offsets[0];
  }
  const offsets = new Int32Array(vector.length + 1);
  const data = new Uint8Array(bytes);
  let row = 0;
  let at = 0;
  for (const chunk of chunks) {
    const source = chunk.valueOffsets as Int32Array;
    const first = source[0];
    data.set((chunk.values as Uint8Array).subarray(first, source[chunk.length]), at);
    for (let i = 0; i < chunk.length; i++, row++) offsets[row] = at + source[i] - first;
    at += source[chunk.length] - first;
  }
  offsets[row] = at;
  return wireBytesFieldWriter(offsets, data, joinedValidity(vector.length, chunks));
}
