// DataRow framing: an int16 field count, then per field an int32 length (-1 = NULL) and that many
// bytes, nothing after the last. The hot decoders walk the fields themselves (no call per field);
// they share these errors, and checkDataRow serves rows kept as bytes to be decoded elsewhere.

import { ProtocolError } from '../errors/client-errors.js';

export function dataRowFieldCount(count: number, expected: number): ProtocolError {
  return new ProtocolError(`DataRow has ${count} fields but RowDescription declared ${expected}: the server stream is corrupt`);
}

export function dataRowOverrun(): ProtocolError {
  return new ProtocolError('DataRow is shorter than its field lengths declare: the server stream is corrupt');
}

export function dataRowBadLength(field: number, length: number): ProtocolError {
  return new ProtocolError(`DataRow field ${field + 1} declares length ${length} (only -1, for NULL, may be negative): the server stream is corrupt`);
}

export function dataRowTrailingBytes(extra: number): ProtocolError {
  return new ProtocolError(`DataRow has ${extra} byte(s) after its last field (its contents do not agree with its length): the server stream is corrupt`);
}

/** Throw a ProtocolError unless bytes[start, end) is a well-framed DataRow of `columns` fields. */
export function checkDataRow(view: DataView, start: number, end: number, columns: number): void {
  if (end - start < 2) throw dataRowOverrun();
  const count = view.getInt16(start);
  if (count !== columns) throw dataRowFieldCount(count, columns);
  let pos = start + 2;
  for (let i = 0; i < count; i++) {
    if (end - pos < 4) throw dataRowOverrun();
    const length = view.getInt32(pos);
    pos += 4;
    if (length < 0) {
      if (length !== -1) throw dataRowBadLength(i, length);
      continue;
    }
    if (length > end - pos) throw dataRowOverrun();
    pos += length;
  }
  if (pos !== end) throw dataRowTrailingBytes(end - pos);
}
