// DataRow messages as a server would send them, built with pgloom's own encoders and no server:
// each value in the format pgloom requests its column in (binary where it has a codec that reads
// binary results; text for numeric, whose exact decimal string pgloom asks the server for).

import { BufferWriter } from '../../src/codec/buffer/writer.js';
import { BackendMessage } from '../../src/codec/protocol/index.js';
import type { TypeCatalog } from '../../src/codec/types/introspected/catalog.js';

/** A result column of the codec suite: its type and the JS value of row i. */
export interface ColumnSpec {
  name: string;
  oid: number;
  /** For a column requested as text, a string in PostgreSQL's own output form. */
  value(i: number): unknown;
}

export interface WireRows {
  /** Whole messages, header included. */
  bytes: Uint8Array;
  view: DataView;
  /** Row i's body (after the 5-byte header) is bytes[starts[i], ends[i]). */
  starts: Int32Array;
  ends: Int32Array;
  count: number;
}

/** Append one field's bytes: the codec's binary form, or the text of a column requested as text. */
function writeField(catalog: TypeCatalog, oid: number, value: unknown, out: BufferWriter): void {
  if (catalog.resultFormat(oid) === 0) {
    if (typeof value !== 'string') throw new TypeError(`type ${oid} is requested as text: give its values as PostgreSQL prints them`);
    out.utf8(value);
    return;
  }
  const codec = catalog.binaryCodecFor(oid);
  if (codec === undefined) throw new TypeError(`type ${oid} has no binary codec`);
  codec.encode(value, out);
}

export function dataRows(catalog: TypeCatalog, columns: readonly ColumnSpec[], count: number): WireRows {
  const out = new BufferWriter(64 * 1024);
  const starts = new Int32Array(count);
  const ends = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    out.u8(BackendMessage.DataRow);
    const message = out.beginLength();
    out.i16(columns.length);
    for (const column of columns) {
      const value = column.value(i);
      if (value === null) {
        out.i32(-1);
        continue;
      }
      const field = out.beginLength();
      writeField(catalog, column.oid, value, out);
      // A field's length excludes its own four bytes (a message's includes them).
      out.view.setInt32(field, out.length - field - 4);
    }
    out.endLength(message);
    starts[i] = message + 4;
    ends[i] = out.length;
  }
  const bytes = out.toBytes();
  return { bytes, view: new DataView(bytes.buffer), starts, ends, count };
}
