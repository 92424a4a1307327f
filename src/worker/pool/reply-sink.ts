// Where a one-shot query's rows go in a worker: a small result is kept as its DataRows' bytes
// (RowBytes), which the main thread decodes directly; once it grows past a few rows or KB it
// becomes columnar batches, as any large result. Measured on `select $1::int4` with 20 callers:
// allocating, transferring and wrapping a batch per reply cost more than the query itself.

import type { BatchData, BatchLimits } from '../../codec/batch/index.js';
import { checkDataRow } from '../../codec/protocol/data-row.js';
import type { RowSink } from '../operations/extended-query.js';
import type { StatementDescription } from '../statement.js';
import { BatchSink } from './batch-sink.js';
import type { WireRowBytes } from './contract.js';

/** A result stays RowBytes up to this many rows and bytes. */
const SMALL_ROWS = 64;
const SMALL_BYTES = 16 * 1024;
const EMPTY = new Uint8Array(0);

export class ReplySink implements RowSink {
  statement: StatementDescription | undefined;
  private bytes = EMPTY;
  private length = 0;
  private readonly ends: number[] = [];
  private batches: BatchSink | undefined;

  constructor(
    private readonly limits: BatchLimits,
    /** Each full batch, once the result is large. */
    private readonly onBatch: (batch: BatchData) => void,
  ) {}

  row(statement: StatementDescription, bytes: Uint8Array, view: DataView, start: number, end: number): void {
    this.statement = statement;
    if (this.batches !== undefined) return this.batches.row(statement, bytes, view, start, end);
    // Kept as bytes, the row is decoded later on the main thread: check its framing now, while
    // a violation can still close this connection.
    checkDataRow(view, start, end, statement.columns.length);
    const size = end - start;
    if (this.ends.length === SMALL_ROWS || this.length + size > SMALL_BYTES) {
      this.becomeBatches(statement);
      return this.batches!.row(statement, bytes, view, start, end);
    }
    if (this.length + size > this.bytes.length) {
      // The first row gets a buffer of its own size: most small results are one row.
      const grown = new Uint8Array(this.length === 0 ? size : Math.max(this.bytes.length * 2, this.length + size));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    this.bytes.set(bytes.subarray(start, end), this.length);
    this.length += size;
    this.ends.push(this.length);
  }

  /** The small result's rows, or undefined when it became batches (the last one goes to `receive`). */
  finish(receive: (batch: BatchData) => void): WireRowBytes | undefined {
    if (this.batches !== undefined) {
      this.batches.flushTo(receive);
      return undefined;
    }
    if (this.ends.length === 0) return undefined;
    return { latin1: Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.length).toString('latin1'), ends: this.ends };
  }

  private becomeBatches(statement: StatementDescription): void {
    const batches = new BatchSink(this.limits, this.onBatch);
    const view = new DataView(this.bytes.buffer, 0, this.length);
    let start = 0;
    for (const end of this.ends) {
      batches.row(statement, this.bytes, view, start, end);
      start = end;
    }
    this.batches = batches;
    this.ends.length = 0;
    this.length = 0;
  }
}
