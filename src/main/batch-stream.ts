// The consumer side of pool.stream(): batches arrive on a MessagePort; each one taken by the
// consumer grants the worker credit for one more, which is what bounds memory.

import type { MessagePort } from 'node:worker_threads';
import { InterfaceError } from '../codec/errors/client-errors.js';
import type { PostgresErrorFields } from '../codec/errors/postgres-error.js';
import { deserializeError } from '../codec/errors/transport.js';
import type { ColumnInfo, StreamControl, StreamMessage } from '../worker/pool/messages.js';
import { RecordBatch, type ResultSchema } from './record-batch.js';

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class BatchStream<R> implements AsyncIterable<RecordBatch<R>> {
  private readonly queue: StreamMessage[] = [];
  private wake: (() => void) | undefined;
  private schema: ResultSchema | undefined;
  private failure: Error | undefined;
  private finished = false;
  private portClosed = false;

  constructor(
    private readonly port: MessagePort,
    /** The task itself: rejects on abort, timeout or a worker crash. */
    private readonly task: Promise<unknown>,
    private readonly schemaOf: (columns: ColumnInfo[]) => ResultSchema,
    private readonly onNotice?: (notice: PostgresErrorFields) => void,
  ) {
    port.on('message', (message: StreamMessage) => {
      this.queue.push(message);
      this.notify();
    });
    port.on('close', () => {
      this.portClosed = true;
      this.notify();
    });
    task.then(
      () => this.notify(),
      (error: Error) => {
        this.failure ??= error;
        this.notify();
      },
    );
  }

  [Symbol.asyncIterator](): AsyncIterator<RecordBatch<R>> {
    return {
      next: () => this.next(),
      return: async () => {
        this.stop();
        return { done: true, value: undefined };
      },
    };
  }

  private async next(): Promise<IteratorResult<RecordBatch<R>>> {
    for (;;) {
      if (this.finished) return { done: true, value: undefined };
      const message = this.queue.shift();
      if (message !== undefined) {
        switch (message.type) {
          case 'columns':
            this.schema = this.schemaOf(message.columns);
            continue;
          case 'batch':
            this.send({ type: 'credit', batches: 1 });
            // Port messages are delivered in one loop that runs our continuation after each: without
            // this yield a fast producer would keep the consumer from ever returning to the event loop.
            await yieldToEventLoop();
            return { done: false, value: new RecordBatch<R>(message.batch, this.schema!) };
          case 'end':
            if (this.onNotice) for (const notice of message.notices) this.onNotice(notice);
            this.close();
            return { done: true, value: undefined };
          case 'error':
            this.close();
            throw deserializeError(message.error);
        }
      }
      if (this.failure !== undefined) {
        this.close();
        throw this.failure;
      }
      if (this.portClosed) {
        // The port closes with its worker; the task's own error (a crashed worker) says more, and
        // arrives a moment later.
        const settled = await Promise.race([this.task.then(() => undefined, (error: Error) => error), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 1000))]);
        this.close();
        throw this.failure ?? settled ?? new InterfaceError('the stream ended without its last message: the worker stopped');
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** The consumer left early: the worker cancels the query and drains its connection. */
  private stop(): void {
    if (this.finished) return;
    this.send({ type: 'cancel' });
    this.close();
  }

  private send(control: StreamControl): void {
    if (!this.portClosed) this.port.postMessage(control);
  }

  private close(): void {
    this.finished = true;
    this.queue.length = 0;
    this.port.close();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
