// Turns one DataRow into a JS row (object keyed by column name, or array), using the codecs
// picked once for the statement. This is the per-row hot loop of the inline engine.

import { ProtocolError } from '../codec/errors/client-errors.js';
import { decodeText } from '../codec/types/text.js';
import type { StatementDescription } from './statement.js';

function fieldOverrun(): never {
  throw new ProtocolError('DataRow is shorter than its field lengths declare: the server stream is corrupt');
}

export function decodeRowObject(statement: StatementDescription, bytes: Uint8Array, view: DataView, start: number, end: number): Record<string, unknown> {
  // The fields go into the statement's scratch array, then into an object literal in one step.
  const values = statement.scratchValues;
  decodeFieldsInto(values, statement, bytes, view, start, end);
  const row = statement.objectFromValues(values);
  values.fill(undefined);
  return row;
}

export function decodeRowArray(statement: StatementDescription, bytes: Uint8Array, view: DataView, start: number, end: number): unknown[] {
  const row = new Array<unknown>(statement.resultCodecs.length);
  decodeFieldsInto(row, statement, bytes, view, start, end);
  return row;
}

function decodeFieldsInto(row: unknown[], statement: StatementDescription, bytes: Uint8Array, view: DataView, start: number, end: number): void {
  const codecs = statement.resultCodecs;
  const count = view.getInt16(start);
  if (count !== codecs.length) throw new ProtocolError(`DataRow has ${count} fields but RowDescription declared ${codecs.length}`);
  let pos = start + 2;
  for (let i = 0; i < count; i++) {
    const length = view.getInt32(pos);
    pos += 4;
    if (length < 0) {
      row[i] = null;
      continue;
    }
    if (pos + length > end) fieldOverrun();
    const codec = codecs[i];
    row[i] = codec ? codec.decode(bytes, view, pos, length) : decodeText(bytes, pos, length);
    pos += length;
  }
}
