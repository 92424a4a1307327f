// A DataRow decoder generated for one statement's columns. In the generic loop every field's
// `codec.decode` is one call site that sees every type (megamorphic: no inlining, a lookup per
// value) and the values pass through a scratch array; here each column has a call site of its own
// that sees one codec, and the values go straight into the row's object literal or array literal.

import { dataRowBadLength, dataRowFieldCount, dataRowOverrun, dataRowTrailingBytes } from '../codec/protocol/data-row.js';
import { propertyKey } from '../codec/rows/object-literal.js';
import { byteaAsBuffer, byteaAsUint8Array } from '../codec/types/bytea.js';
import type { TypeCodec } from '../codec/types/codec.js';
import { decodeText } from '../codec/types/text.js';
import { bufferOver, type ResultMemory } from './result-memory.js';

export type RowShape = 'object' | 'array';

export type CompiledRowDecoder = (bytes: Uint8Array, view: DataView, start: number, end: number, memory: ResultMemory) => unknown;

/** Wider rows keep the generic loop: V8 does not optimise a function that large, and it is compiled for nothing. */
export const MAX_COMPILED_COLUMNS = 64;

/** The expression that decodes field `i`, whose bytes are bytes[pos .. pos + n). */
function valueExpression(codec: TypeCodec | undefined, i: number): string {
  if (codec === undefined) return 'text(bytes, pos, n)';
  if (codec === byteaAsUint8Array) return 'memory.copy(bytes, pos, n)';
  if (codec === byteaAsBuffer) return 'bufferOver(memory.copy(bytes, pos, n))';
  return `d${i}.decode(bytes, view, pos, n)`;
}

/**
 * Decodes a DataRow of exactly these columns into a row of `shape`, checking every length against
 * `end` as the generic loop does (past it lie the chunk's next messages). Column names reach the
 * source only as JSON string literals (propertyKey); codecs are passed in, never written out.
 */
export function compileRowDecoder(names: readonly string[], codecs: readonly (TypeCodec | undefined)[], shape: RowShape): CompiledRowDecoder {
  const count = codecs.length;
  const fields = codecs.map((codec, i) => `
    if (end - pos < 4) throw overrun();
    n = view.getInt32(pos);
    pos += 4;
    if (n < 0) {
      if (n !== -1) throw badLength(${i}, n);
      v${i} = null;
    } else {
      if (n > end - pos) throw overrun();
      v${i} = ${valueExpression(codec, i)};
      pos += n;
    }`);
  const values = codecs.map((_, i) => `v${i}`);
  const row = shape === 'object' ? `{ ${names.map((name, i) => `${propertyKey(name)}: v${i}`).join(', ')} }` : `[${values.join(', ')}]`;
  const source = `'use strict';
  ${codecs.map((_, i) => `const d${i} = codecs[${i}];`).join('\n  ')}
  return function decodeDataRow(bytes, view, start, end, memory) {
    if (end - start < 2) throw overrun();
    const count = view.getInt16(start);
    if (count !== ${count}) throw fieldCount(count, ${count});
    let pos = start + 2;
    let n = 0;
    ${count > 0 ? `let ${values.join(', ')};` : ''}
    ${fields.join('\n')}
    if (pos !== end) throw trailing(end - pos);
    return ${row};
  };`;
  const factory = new Function('codecs', 'overrun', 'fieldCount', 'badLength', 'trailing', 'text', 'bufferOver', source) as (
    codecs: readonly (TypeCodec | undefined)[],
    overrun: typeof dataRowOverrun,
    fieldCount: typeof dataRowFieldCount,
    badLength: typeof dataRowBadLength,
    trailing: typeof dataRowTrailingBytes,
    text: typeof decodeText,
    buffer: typeof bufferOver,
  ) => CompiledRowDecoder;
  return factory(codecs, dataRowOverrun, dataRowFieldCount, dataRowBadLength, dataRowTrailingBytes, decodeText, bufferOver);
}
