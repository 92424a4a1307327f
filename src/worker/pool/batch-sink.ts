// Collects a query's DataRows into batches for the main thread; created on the first row, when
// the statement (and so each column's layout) is known.

import { BatchBuilder, layoutFor, type BatchData, type BatchLimits } from '../../codec/batch/index.js';
import type { RowSink } from '../operations/extended-query.js';
import type { StatementDescription } from '../statement.js';
import type { TypeCatalog } from '../../codec/types/introspected/catalog.js';
import { FIRST_INTROSPECTED_OID } from '../../codec/types/introspected/description.js';
import type { ColumnInfo } from './contract.js';

export class BatchSink implements RowSink {
  private builder: BatchBuilder | undefined;

  constructor(
    private readonly limits: BatchLimits,
    /** Called with each full batch. */
    private readonly onBatch: (batch: BatchData) => void,
  ) {}

  row(statement: StatementDescription, bytes: Uint8Array, view: DataView, start: number, end: number): void {
    if (this.builder === undefined) this.start(statement);
    this.builder!.addRow(bytes, view, start, end);
    if (this.builder!.full) this.onBatch(this.builder!.finish());
  }

  private start(statement: StatementDescription): void {
    const layouts = statement.columns.map((c, i) => layoutFor(c.typeOid, statement.resultFormats[i] === 1));
    const builder = new BatchBuilder(layouts, this.limits, statement.batchHint, statement.columnNames);
    this.builder = builder;
    // The first batch's size is the next execution's starting size.
    this.recordHint = () => {
      if (builder.hint !== undefined) statement.batchHint = builder.hint;
    };
  }

  private recordHint = (): void => undefined;

  /** Hand over the last, partial batch. */
  flush(): void {
    this.flushTo(this.onBatch);
  }

  /** Hand over the last, partial batch to `receive` rather than onBatch. */
  flushTo(receive: (batch: BatchData) => void): void {
    if (this.builder !== undefined && this.builder.numRows > 0) receive(this.builder.finish());
    this.recordHint();
  }
}

/** A statement's columns for the main thread (ResultShapes sends them once per statement). */
export function columnInfoOf(statement: StatementDescription, catalog: TypeCatalog): ColumnInfo[] {
  return statement.columns.map((column, i) => {
    const info: ColumnInfo = {
      name: column.name,
      typeOid: column.typeOid,
      format: statement.resultFormats[i],
      tableOid: column.tableOid,
      columnAttr: column.columnAttr,
      typeModifier: column.typeModifier,
    };
    // The main thread decodes the batches: it needs what this worker introspected about the type.
    if (column.typeOid >= FIRST_INTROSPECTED_OID) {
      const types = catalog.closure([column.typeOid]);
      if (types.length > 0) info.types = types;
    }
    return info;
  });
}
