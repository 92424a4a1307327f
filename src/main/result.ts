// The result of pool.query(): the command tag, the columns, and the rows as columnar batches —
// with plain-object rows built from them on first access.

import { layoutFor, newFixedValues, type FixedValues } from '../codec/batch/index.js';
import type { Column } from './columns.js';
import { inspect } from 'node:util';
import { InterfaceError } from '../codec/errors/client-errors.js';
import { batchesToArrow, type ArrowModuleLike, type ArrowTable, type ArrowTableOf } from './arrow.js';
import { RecordBatch, type ColumnValues, type ResultSchema } from './record-batch.js';
import type { SmallResult } from './small-result.js';

type TypedArrayConstructor = { new (length: number): FixedValues };

export class Result<R = Record<string, unknown>> {
  private rowsCache: R[] | undefined;
  private batchesCache: readonly RecordBatch<R>[] | undefined;

  /** @internal Built by Pool. */
  constructor(
    /** The command tag, e.g. 'SELECT 3' or 'INSERT 0 1'. */
    readonly command: string,
    /** Rows returned or affected; null for commands that report none. */
    readonly rowCount: number | null,
    readonly columns: readonly Column[],
    batches: readonly RecordBatch<R>[],
    private readonly formats: readonly number[],
    private readonly schema: ResultSchema,
    /** A small result's rows, kept as their bytes until asked for (then `batches` is built from them). */
    private readonly small?: SmallResult,
  ) {
    if (small === undefined) this.batchesCache = batches;
  }

  /**
   * @internal One result holding the batches of `parts` in order (partitioned queries); the
   * parts must share their columns.
   */
  static concat<R>(parts: readonly Result<R>[], command: string): Result<R> {
    const first = parts[0];
    const rowCount = parts.reduce((sum, part) => sum + part.numRows, 0);
    return new Result<R>(command, rowCount, first.columns, parts.flatMap((part) => part.batches), first.formats, first.schema);
  }

  /** The rows as columnar batches (for a small result, one batch built on first access). */
  get batches(): readonly RecordBatch<R>[] {
    this.batchesCache ??= this.small!.numRows === 0 ? [] : [new RecordBatch<R>(this.small!.toBatch(), this.schema)];
    return this.batchesCache;
  }

  /**
   * The result as an Apache Arrow Table (needs the optional dependency apache-arrow). Fixed-width,
   * text and bytea columns share the batches' memory; see docs/batches.md for the type mapping.
   * Built with `arrow` when given (`import * as arrow from 'apache-arrow'`, typed as its Table),
   * else with the module `import 'apache-arrow'` gives, so the user's tableToIPC accepts it.
   */
  toArrow<A extends ArrowModuleLike>(arrow: A): ArrowTableOf<A>;
  /** `T` names the Table's type without a cast: `toArrow<Table>()` with apache-arrow's `Table`. */
  toArrow<T = ArrowTable>(): T;
  toArrow(arrow?: ArrowModuleLike): unknown {
    return batchesToArrow(this.schema, this.batches as readonly RecordBatch<unknown>[], arrow);
  }

  /** The first row, or null when there is none (what fetchrow returns). */
  firstRow(): R | null {
    if (this.small !== undefined && this.batchesCache === undefined) return this.small.numRows === 0 ? null : (this.small.rows(0, 1)[0] as R);
    return this.batches.length === 0 ? null : this.batches[0].row(0);
  }

  /** One value of the first row, column by index or name; null when there is no row (fetchval). */
  firstValue<V = unknown>(column: number | string): V | null {
    const index = typeof column === 'number' ? column : this.columns.findIndex((c) => c.name === column);
    if (!Number.isInteger(index) || index < 0 || index >= this.columns.length) {
      throw new InterfaceError(`fetchval: the result has no column ${JSON.stringify(column)}; its columns are ${JSON.stringify(this.columns.map((c) => c.name))}`);
    }
    if (this.small !== undefined && this.batchesCache === undefined) return this.small.numRows === 0 ? null : (this.small.value(index, 0) as V);
    return this.batches.length === 0 ? null : (this.batches[0].value(index, 0) as V);
  }

  /** A summary (JSON has no bigint or typed arrays): the command, counts and columns. */
  toJSON(): Record<string, unknown> {
    return { command: this.command, rowCount: this.rowCount, numRows: this.numRows, columns: this.columns.map((c) => ({ name: c.name, typeName: c.typeName })) };
  }

  [inspect.custom](): string {
    return `Result { command: '${this.command}', numRows: ${this.numRows}, batches: ${this.batches.length}, columns: [${this.columns.map((c) => `${c.name}: ${c.typeName}`).join(', ')}] }`;
  }

  /** Number of rows fetched (0 for commands that return none). */
  get numRows(): number {
    if (this.small !== undefined) return this.small.numRows;
    let total = 0;
    for (const batch of this.batches) total += batch.numRows;
    return total;
  }

  /** Every row as a plain object (or array, with rowMode 'array'), built once on first access. */
  get rows(): R[] {
    if (this.rowsCache === undefined) {
      if (this.small !== undefined && this.batchesCache === undefined) this.rowsCache = this.small.rows() as R[];
      else if (this.batches.length === 1) this.rowsCache = this.batches[0].toRows();
      else {
        const rows: R[] = [];
        for (const batch of this.batches) batch.appendRowsTo(rows);
        this.rowsCache = rows;
      }
    }
    return this.rowsCache;
  }

  /**
   * One column over all batches: a typed array for fixed-width types (the batch's own buffer when
   * there is one batch, else one copy), else the decoded values. See RecordBatch.column; `T` names
   * the type without a cast: `const ids: Int32Array = result.column<Int32Array>('id')`.
   */
  column<T extends ColumnValues = ColumnValues>(nameOrIndex: string | number): T {
    // The caller names the type it knows the column has (as fetch<Row>() does for rows).
    return this.joinedColumn(nameOrIndex) as T;
  }

  private joinedColumn(nameOrIndex: string | number): ColumnValues {
    if (this.batches.length === 1) return this.batches[0].column(nameOrIndex);
    const index = typeof nameOrIndex === 'number' ? nameOrIndex : this.columns.findIndex((c) => c.name === nameOrIndex);
    const column = this.columns[index];
    if (this.batches.length === 0) {
      if (column === undefined) throw new InterfaceError(`the result has no column ${JSON.stringify(nameOrIndex)}; its columns are ${JSON.stringify(this.columns.map((c) => c.name))}`);
      return newFixedValues(layoutFor(column.typeOid, this.formats[index] === 1), 0) ?? [];
    }
    const parts = this.batches.map((batch) => batch.column(nameOrIndex));
    // A batch may carry a column as raw values where it did not fit its typed layout (timestamps
    // near year 294276): then the whole column comes back as values.
    if (parts.every((part) => !Array.isArray(part)) && parts.every((part) => part.constructor === parts[0].constructor)) {
      const typed = parts as FixedValues[];
      const total = typed.reduce((sum, part) => sum + part.length, 0);
      const joined = new (typed[0].constructor as TypedArrayConstructor)(total);
      let at = 0;
      for (const part of typed) {
        (joined as Uint8Array).set(part as Uint8Array, at);
        at += part.length;
      }
      return joined;
    }
    return this.batches.flatMap((batch) => Array.from({ length: batch.numRows }, (_, row) => batch.value(index, row)));
  }
}
