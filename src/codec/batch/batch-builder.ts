// Decodes DataRow messages straight into columns (no per-row JS objects) and cuts the stream into
// batches of at most `maxRows` rows or about `maxBytes` of variable-width data.

import { dataRowBadLength, dataRowFieldCount, dataRowOverrun, dataRowTrailingBytes } from '../protocol/data-row.js';
import { ColumnBuilder } from './column-builder.js';
import type { BatchData, Layout } from './layout.js';

export interface BatchLimits {
  /** Rows per batch (default 65 536). */
  maxRows?: number;
  /** Wire bytes per batch before it is cut (default 4 MiB). */
  maxBytes?: number;
}

/** Small results stay small; a large one grows by doubling, and its next batches start full size. */
const INITIAL_CAPACITY = 64;
/** A hint never makes a column start with more data room than this. */
const MAX_HINTED_BYTES = 1024 * 1024;

/**
 * The size of a statement's last batch: its next execution starts with room for as much, so a
 * repeated query does not grow (and copy, and collect) its buffers from small each time.
 */
export interface BatchHint {
  rows: number;
  /** Variable-width data bytes per column (0 for fixed-width columns). */
  dataBytes: number[];
}

export class BatchBuilder {
  private readonly columns: ColumnBuilder[];
  private rows = 0;
  private capacity = INITIAL_CAPACITY;
  private bytes = 0;
  readonly maxRows: number;
  readonly maxBytes: number;

  /** finish() handed the buffers over: the next row starts new ones (none are made for a last batch). */
  private handedOver = false;
  private lastHint: BatchHint | undefined;

  /** `names` (the columns' names) label a value that does not fit its column's layout. */
  constructor(layouts: readonly Layout[], limits: BatchLimits = {}, hint?: BatchHint, names?: readonly string[]) {
    this.maxRows = limits.maxRows ?? 65_536;
    this.maxBytes = limits.maxBytes ?? 4 * 1024 * 1024;
    const hinted = hint !== undefined && hint.dataBytes.length === layouts.length;
    this.capacity = Math.min(Math.max(INITIAL_CAPACITY, hinted ? hint.rows : 0), this.maxRows);
    this.columns = layouts.map((layout, i) => new ColumnBuilder(layout, this.capacity, hinted ? Math.min(hint.dataBytes[i], MAX_HINTED_BYTES) : 0, names?.[i] ?? `#${i + 1}`));
  }

  /** The size of the first batch finished, for the statement's next execution. */
  get hint(): BatchHint | undefined {
    return this.lastHint;
  }

  get numRows(): number {
    return this.rows;
  }

  /** Whether the batch reached its row or byte limit and should be finished. */
  get full(): boolean {
    return this.rows >= this.maxRows || this.bytes >= this.maxBytes;
  }

  /** Append one DataRow body (bytes[start, end)). */
  addRow(bytes: Uint8Array, view: DataView, start: number, end: number): void {
    const columns = this.columns;
    // Every length is checked against `end`: past it lie the chunk's next messages, not a bound.
    if (end - start < 2) throw dataRowOverrun();
    const count = view.getInt16(start);
    if (count !== columns.length) throw dataRowFieldCount(count, columns.length);
    if (this.handedOver) this.startBatch();
    const row = this.rows;
    if (row === this.capacity) this.growTo(this.capacity * 2);
    let pos = start + 2;
    for (let i = 0; i < count; i++) {
      if (end - pos < 4) throw dataRowOverrun();
      const length = view.getInt32(pos);
      pos += 4;
      const column = columns[i];
      if (length < 0) {
        if (length !== -1) throw dataRowBadLength(i, length);
        column.appendNull(row);
        continue;
      }
      if (length > end - pos) throw dataRowOverrun();
      column.append(row, bytes, view, pos, length);
      pos += length;
    }
    if (pos !== end) throw dataRowTrailingBytes(end - pos);
    // Row bytes as a whole stand in for the batch's memory: close enough to cut on.
    this.bytes += end - start;
    this.rows = row + 1;
  }

  /** Hand over the batch built so far and start an empty one. */
  finish(): BatchData {
    this.lastHint ??= { rows: this.rows, dataBytes: this.columns.map((column) => column.dataLength) };
    const batch: BatchData = { numRows: this.rows, columns: this.columns.map((column) => column.finish(this.rows)) };
    this.handedOver = true;
    this.rows = 0;
    this.bytes = 0;
    return batch;
  }

  /** New buffers after a batch was handed over: full size, as the result is evidently large. */
  private startBatch(): void {
    this.handedOver = false;
    this.capacity = Math.min(this.capacity, this.maxRows);
    for (const column of this.columns) column.reset(this.capacity);
  }

  private growTo(capacity: number): void {
    for (const column of this.columns) column.grow(capacity);
    this.capacity = capacity;
  }
}
