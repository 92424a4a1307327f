// A batch of rows as the pool delivers it: columnar buffers that came from a worker without a
// copy, read as typed arrays (column) or as plain rows (row, toRows) decoded on demand.

import { cellReader, isPresent, Layout, type BatchData, type CellReader, type ColumnData, type FixedValues } from '../codec/batch/index.js';
import { InterfaceError } from '../codec/errors/client-errors.js';
import type { TypeCodec } from '../codec/types/codec.js';
import { columnValues, rowColumn } from '../codec/batch/column-values.js';
import { batchesToArrow, type ArrowModuleLike, type ArrowTable, type ArrowTableOf } from './arrow.js';
import type { Column } from './columns.js';
import { rowMaker } from './row-maker.js';

/** The decoding plan of a result: shared by all its batches. */
export interface ResultSchema {
  columns: readonly Column[];
  codecs: readonly (TypeCodec | undefined)[];
  /** int8 columns read straight from their BigInt64Array (the default int8: 'bigint'). */
  directInt64: boolean;
  rowMode: 'object' | 'array';
  /** Per column: 1 = its values came in binary, 0 = as the server's text. */
  formats: readonly number[];
}

/** What column() returns: a fixed-width column's typed array, or the decoded values. */
export type ColumnValues = FixedValues | unknown[];

export class RecordBatch<R = Record<string, unknown>> {
  readonly numRows: number;
  private readers: (CellReader | undefined)[];

  /** @internal Built by Pool. */
  constructor(
    /** The raw buffers, in the layout of docs/batches.md. */
    readonly data: BatchData,
    private readonly plan: ResultSchema,
  ) {
    this.numRows = data.numRows;
    this.readers = new Array(data.columns.length);
  }

  get schema(): readonly Column[] {
    return this.plan.columns;
  }

  /** The buffers of one column, by name or index. */
  columnData(nameOrIndex: string | number): ColumnData {
    return this.data.columns[this.indexOf(nameOrIndex)];
  }

  /**
   * One column: the typed array itself for fixed-width types (int2/4/8, oid, float4/8, bool as
   * 0/1 bytes, date as days and timestamps as µs since 1970, time as µs; a NULL's slot holds 0 —
   * see isNull), else the decoded values with null for NULL. `T` names which, without a cast:
   * `batch.column<Int32Array>('id')`, `batch.column<(string | null)[]>('name')`.
   */
  column<T extends ColumnValues = ColumnValues>(nameOrIndex: string | number): T {
    const index = this.indexOf(nameOrIndex);
    const data = this.data.columns[index];
    const values: ColumnValues = data.layout !== Layout.Variable ? data.values! : Array.from(columnValues(data, this.numRows, this.plan.codecs[index], this.plan.directInt64));
    // The caller names the type it knows the column has (as fetch<Row>() does for rows).
    return values as T;
  }

  /**
   * This batch as an Apache Arrow Table, as Result.toArrow() builds one (a streamed batch at a
   * time: tableToIPC of each, or RecordBatchStreamWriter, writes a result larger than memory).
   */
  toArrow<A extends ArrowModuleLike>(arrow: A): ArrowTableOf<A>;
  /** `T` names the Table's type without a cast: `toArrow<Table>()` with apache-arrow's `Table`. */
  toArrow<T = ArrowTable>(): T;
  toArrow(arrow?: ArrowModuleLike): unknown {
    return batchesToArrow(this.plan, [this as RecordBatch<unknown>], arrow);
  }

  isNull(nameOrIndex: string | number, row: number): boolean {
    return !isPresent(this.data.columns[this.indexOf(nameOrIndex)], row);
  }

  /** One value, decoded as in rows. */
  value(nameOrIndex: string | number, row: number): unknown {
    return this.reader(this.indexOf(nameOrIndex))(row);
  }

  row(index: number): R {
    if (!Number.isInteger(index) || index < 0 || index >= this.numRows) throw new InterfaceError(`row ${index} is outside this batch of ${this.numRows} rows`);
    return this.buildRows(index, index + 1)[0];
  }

  toRows(): R[] {
    return this.buildRows(0, this.numRows);
  }

  /** @internal Push every row onto `rows`: a result of many batches is built in one array, with no array per batch. */
  appendRowsTo(rows: R[]): void {
    const sources = this.data.columns.map((column, i) => rowColumn(column, this.numRows, this.plan.codecs[i], this.plan.directInt64));
    const columns = sources.map((source) => source.values);
    const make = rowMaker(this.plan, sources.map((source) => source.access));
    for (let r = 0; r < this.numRows; r++) rows.push(make(columns, r) as R);
  }

  private buildRows(from: number, to: number): R[] {
    const count = this.data.columns.length;
    // One row: read cell by cell. Many: decode column by column, then assemble.
    const columns: ArrayLike<unknown>[] = to - from === 1
      ? Array.from({ length: count }, (_, i) => ({ length: 1, [from]: this.reader(i)(from) }))
      : this.data.columns.map((column, i) => columnValues(column, this.numRows, this.plan.codecs[i], this.plan.directInt64));
    const make = rowMaker(this.plan);
    const rows = new Array<R>(to - from);
    for (let r = from; r < to; r++) rows[r - from] = make(columns, r) as R;
    return rows;
  }

  private reader(index: number): CellReader {
    let read = this.readers[index];
    if (read === undefined) {
      const codec = this.plan.codecs[index];
      read = cellReader(this.data.columns[index], codec, this.plan.directInt64);
      this.readers[index] = read;
    }
    return read;
  }

  private indexOf(nameOrIndex: string | number): number {
    const columns = this.plan.columns;
    const index = typeof nameOrIndex === 'number' ? nameOrIndex : columns.findIndex((c) => c.name === nameOrIndex);
    if (!Number.isInteger(index) || index < 0 || index >= columns.length) {
      throw new InterfaceError(`the result has no column ${JSON.stringify(nameOrIndex)}; its columns are ${JSON.stringify(columns.map((c) => c.name))}`);
    }
    return index;
  }
}
