// Turns one DataRow into a JS row (object keyed by column name, or array), using the codecs
// picked once for the statement. This is the per-row hot loop of the inline engine.

import { dataRowBadLength, dataRowFieldCount, dataRowOverrun, dataRowTrailingBytes } from '../codec/protocol/data-row.js';
import { byteaAsBuffer, byteaAsUint8Array } from '../codec/types/bytea.js';
import { decodeText } from '../codec/types/text.js';
import { compileRowDecoder, MAX_COMPILED_COLUMNS, type CompiledRowDecoder, type RowShape } from './compiled-row-decoder.js';
import { bufferOver, type ResultMemory } from './result-memory.js';
import type { StatementDescription } from './statement.js';

/**
 * Rows a statement decodes with the generic loop before it gets compiled decoders: a statement
 * run once for a few rows would not repay the compile (and V8's warm-up of new code).
 */
const COMPILE_AFTER_ROWS = 256;

export function decodeRowObject(statement: StatementDescription, memory: ResultMemory, bytes: Uint8Array, view: DataView, start: number, end: number): Record<string, unknown> {
  const compiled = statement.objectDecoder ?? compileWhenDue(statement, 'object');
  if (compiled !== undefined) return compiled(bytes, view, start, end, memory) as Record<string, unknown>;
  // The fields go into the statement's scratch array, then into an object literal in one step.
  const values = statement.scratchValues;
  decodeFieldsInto(values, statement, memory, bytes, view, start, end);
  const row = statement.objectFromValues(values);
  values.fill(undefined);
  return row;
}

export function decodeRowArray(statement: StatementDescription, memory: ResultMemory, bytes: Uint8Array, view: DataView, start: number, end: number): unknown[] {
  const compiled = statement.arrayDecoder ?? compileWhenDue(statement, 'array');
  if (compiled !== undefined) return compiled(bytes, view, start, end, memory) as unknown[];
  const row = new Array<unknown>(statement.resultCodecs.length);
  decodeFieldsInto(row, statement, memory, bytes, view, start, end);
  return row;
}

/** The statement's compiled decoder for `shape` once it has decoded enough rows, else undefined. */
function compileWhenDue(statement: StatementDescription, shape: RowShape): CompiledRowDecoder | undefined {
  if (statement.genericRows++ < COMPILE_AFTER_ROWS || statement.resultCodecs.length > MAX_COMPILED_COLUMNS) return undefined;
  const compiled = compileRowDecoder(statement.columnNames, statement.resultCodecs, shape);
  if (shape === 'object') statement.objectDecoder = compiled;
  else statement.arrayDecoder = compiled;
  return compiled;
}

function decodeFieldsInto(row: unknown[], statement: StatementDescription, memory: ResultMemory, bytes: Uint8Array, view: DataView, start: number, end: number): void {
  const codecs = statement.resultCodecs;
  // Every length is checked against `end`: past it lie the chunk's next messages, not a bound.
  if (end - start < 2) throw dataRowOverrun();
  const count = view.getInt16(start);
  if (count !== codecs.length) throw dataRowFieldCount(count, codecs.length);
  let pos = start + 2;
  for (let i = 0; i < count; i++) {
    if (end - pos < 4) throw dataRowOverrun();
    const length = view.getInt32(pos);
    pos += 4;
    if (length < 0) {
      if (length !== -1) throw dataRowBadLength(i, length);
      row[i] = null;
      continue;
    }
    if (length > end - pos) throw dataRowOverrun();
    const codec = codecs[i];
    // bytea is copied into the result's own memory (see ResultMemory), not a buffer per value.
    if (codec === byteaAsUint8Array) row[i] = memory.copy(bytes, pos, length);
    else if (codec === byteaAsBuffer) row[i] = bufferOver(memory.copy(bytes, pos, length));
    else row[i] = codec ? codec.decode(bytes, view, pos, length) : decodeText(bytes, pos, length);
    pos += length;
  }
  if (pos !== end) throw dataRowTrailingBytes(end - pos);
}
