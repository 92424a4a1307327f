// The consumer side of pool.stream(): batches arrive from the worker as events; each one taken by
// the consumer grants the worker credit for one more, which is what bounds memory.

import type { BatchData } from '../codec/batch/index.js';
import type { ColumnInfo } from '../worker/pool/contract.js';
import { RecordBatch, type ResultSchema } from './record-batch.js';

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

type Item = { batch: BatchData; columns: ColumnInfo[] } | { end: true } | { error: Error };

/** What the stream tells its worker. */
export interface StreamControls {
  credit(batches: number): void;
  /** The consumer left early: cancel the query, drain the connection. */
  stop(): void;
}

export class BatchStream<R> implements AsyncIterator<RecordBatch<R>> {
  private readonly queue: Item[] = [];
  private wake: (() => void) | undefined;
  private finished = false;
  private controls: StreamControls | undefined;

  constructor(private readonly schemaOf: (columns: ColumnInfo[]) => ResultSchema) {}

  /** The consumer stopped (or the stream ended): nothing more is wanted. */
  get finishedConsuming(): boolean {
    return this.finished;
  }

  /** The worker runs the stream now. */
  started(controls: StreamControls): void {
    this.controls = controls;
  }

  push(columns: ColumnInfo[], batch: BatchData): void {
    this.enqueue({ batch, columns });
  }

  end(): void {
    this.enqueue({ end: true });
  }

  fail(error: Error): void {
    this.enqueue({ error });
  }

  async next(): Promise<IteratorResult<RecordBatch<R>>> {
    for (;;) {
      if (this.finished) return { done: true, value: undefined };
      const item = this.queue.shift();
      if (item === undefined) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      if ('error' in item) {
        this.finished = true;
        throw item.error;
      }
      if ('end' in item) {
        this.finished = true;
        return { done: true, value: undefined };
      }
      this.controls?.credit(1);
      // Events are delivered in one loop that runs our continuation after each: without this
      // yield a fast producer would keep the consumer from ever returning to the event loop.
      await yieldToEventLoop();
      return { done: false, value: new RecordBatch<R>(item.batch, this.schemaOf(item.columns)) };
    }
  }

  async return(): Promise<IteratorResult<RecordBatch<R>>> {
    if (!this.finished) {
      this.finished = true;
      this.queue.length = 0;
      this.controls?.stop();
    }
    return { done: true, value: undefined };
  }

  private enqueue(item: Item): void {
    if (this.finished) return;
    this.queue.push(item);
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
