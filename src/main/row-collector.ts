// Builds the rows of batches as they arrive, one batch per turn of the event loop, so that a large
// fetch neither waits for its last batch to start nor holds the loop for the whole result.

import type { RecordBatch } from './record-batch.js';

export class RowCollector<R> {
  private readonly rows: R[] = [];
  private readonly queue: RecordBatch<R>[] = [];
  private scheduled = false;
  private drained: (() => void) | undefined;

  /** Nothing was added yet. */
  get empty(): boolean {
    return this.rows.length === 0 && this.queue.length === 0;
  }

  add(batch: RecordBatch<R>): void {
    this.queue.push(batch);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.buildNext());
    }
  }

  /** Every row, once the batches added so far are built. */
  async finish(): Promise<R[]> {
    if (this.scheduled) await new Promise<void>((resolve) => (this.drained = resolve));
    return this.rows;
  }

  private buildNext(): void {
    const batch = this.queue.shift();
    batch?.appendRowsTo(this.rows);
    if (this.queue.length > 0) {
      setImmediate(() => this.buildNext());
      return;
    }
    this.scheduled = false;
    const drained = this.drained;
    this.drained = undefined;
    drained?.();
  }
}
