// Builds the rows of pool.fetch() as batches arrive, in slices that yield to the event loop: the
// worker cuts a rows call into small batches, and this builds batches until a slice's time is
// spent, then lets other callbacks run. So a large fetch neither waits for its last batch to
// start nor holds the loop for long. What the loop still loses is V8 collecting the rows the caller
// keeps: an event-loop p99 of ~20–25 ms on 1M mixed rows, as for the same objects built in plain
// JavaScript (bench/probes/row-gc-floor.mjs, PROFILES §9, §15 and §17).

import { performance } from 'node:perf_hooks';
import type { RecordBatch } from './record-batch.js';

/**
 * How long one slice may build rows before it yields, in ms. A batch of 4,096 mixed rows takes
 * ~0.5–1.5 ms, so a slice builds one or two: 4 ms slices (four to six batches, and the collections
 * they set off) gave a p99 some 5–8 ms higher on 1M rows, in the same total time (PROFILES §17).
 */
const SLICE_MS = 1;

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
