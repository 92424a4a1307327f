// The rows of a small pool result, decoded on this thread straight from the DataRow bytes the
// worker copied (RowBytes): no batch to allocate, transfer and wrap for a one-row query. The
// bytes may sit in Node's shared Buffer pool, so bytea values are copies (small ones: the result
// is small). Its columnar form is built here on first use (column(), batches, toArrow()).

import { BatchBuilder, layoutFor, type BatchData } from '../codec/batch/index.js';
import { dataRowBadLength, dataRowFieldCount, dataRowOverrun, dataRowTrailingBytes } from '../codec/protocol/data-row.js';
import { byteaAsBuffer, byteaAsUint8Array } from '../codec/types/bytea.js';
import { decodeText } from '../codec/types/text.js';
import type { RowBytes } from '../worker/pool/contract.js';
import type { ResultSchema } from './record-batch.js';
import { rowMaker } from './row-maker.js';

export class SmallResult {
  readonly numRows: number;
  private readonly view: DataView;

  constructor(
    private readonly source: RowBytes,
    private readonly schema: ResultSchema,
    private readonly formats: readonly number[],
  ) {
    this.numRows = source.ends.length;
    this.view = new DataView(source.bytes.buffer, source.bytes.byteOffset, source.bytes.byteLength);
  }

  /** Rows `from` to `to` (exclusive) as the schema's row mode shapes them. */
  rows(from = 0, to = this.numRows): unknown[] {
    const width = this.schema.columns.length;
    const columns = Array.from({ length: width }, () => new Array<unknown>(this.numRows));
    for (let row = from; row < to; row++) this.decodeRow(row, (i, value) => (columns[i][row] = value));
    const make = rowMaker(this.schema);
    const rows = new Array<unknown>(to - from);
    for (let row = from; row < to; row++) rows[row - from] = make(columns, row);
    return rows;
  }

  value(column: number, row: number): unknown {
    let found: unknown = null;
    this.decodeRow(row, (i, value) => {
      if (i === column) found = value;
    }, column);
    return found;
  }

  /** The same rows as one columnar batch (the worker's layout). */
  toBatch(): BatchData {
    const layouts = this.schema.columns.map((c, i) => layoutFor(c.typeOid, this.formats[i] === 1));
    const names = this.schema.columns.map((c) => c.name);
    const builder = new BatchBuilder(layouts, { maxRows: Math.max(1, this.numRows), maxBytes: Number.MAX_SAFE_INTEGER }, undefined, names);
    let start = 0;
    for (const end of this.source.ends) {
      builder.addRow(this.source.bytes, this.view, start, end);
      start = end;
    }
    return builder.finish();
  }

  /** Decode row `row`'s fields (up to `last`) into `take(index, value)`, checking every length. */
  private decodeRow(row: number, take: (index: number, value: unknown) => void, last = Number.MAX_SAFE_INTEGER): void {
    const { bytes, ends } = this.source;
    const view = this.view;
    const end = ends[row];
    const codecs = this.schema.codecs;
    let pos = row === 0 ? 0 : ends[row - 1];
    // The worker checked the framing (checkDataRow); this walk checks again as it reads.
    if (end - pos < 2) throw dataRowOverrun();
    const count = view.getInt16(pos);
    if (count !== codecs.length) throw dataRowFieldCount(count, codecs.length);
    pos += 2;
    let i = 0;
    for (; i < count && i <= last; i++) {
      if (end - pos < 4) throw dataRowOverrun();
      const length = view.getInt32(pos);
      pos += 4;
      if (length < 0) {
        if (length !== -1) throw dataRowBadLength(i, length);
        take(i, null);
        continue;
      }
      if (length > end - pos) throw dataRowOverrun();
      const codec = codecs[i];
      if (codec === byteaAsUint8Array) take(i, new Uint8Array(bytes.subarray(pos, pos + length)));
      else if (codec === byteaAsBuffer) take(i, Buffer.from(bytes.subarray(pos, pos + length)));
      else take(i, codec ? codec.decode(bytes, view, pos, length) : decodeText(bytes, pos, length));
      pos += length;
    }
    if (i === count && pos !== end) throw dataRowTrailingBytes(end - pos);
  }
}
