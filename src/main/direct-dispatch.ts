// The main thread's end of the workers' direct channels: each worker holds one long 'attach' task
// whose port carries one-shot queries, several to a message. Queries go to the worker with the
// fewest in flight. A worker that dies fails only its own queries, and its replacement is attached.

import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { Piscina } from 'piscina';
import { WorkerCrashedError } from '../codec/errors/client-errors.js';
import type { BatchData } from '../codec/batch/index.js';
import type { AttachOutcome, ColumnInfo, DirectMessage, DirectRequest, QueryReply, QueryTask, WorkerTask } from '../worker/pool/messages.js';

interface Pending {
  resolve: (reply: QueryReply) => void;
  reject: (error: Error) => void;
}

/** The error of a query whose worker thread died under it (piscina's error is the cause). */
export function workerCrashed(cause: unknown): WorkerCrashedError {
  return new WorkerCrashedError(`the worker thread running this query stopped (${cause instanceof Error ? cause.message : String(cause)}); the pool replaced it, but whether the query ran is unknown`);
}

/** Where full batches sent ahead of their reply go (queries with `early`). */
export type EarlyBatchHandler = (taskId: number, columns: ColumnInfo[], batch: BatchData) => void;

class WorkerChannel {
  readonly pending = new Map<number, Pending>();
  private outbox: QueryTask[] = [];
  private flushScheduled = false;

  constructor(
    readonly port: MessagePort,
    onEarlyBatch: EarlyBatchHandler,
  ) {
    port.on('message', (message: DirectMessage) => {
      if (message.type === 'batch') return onEarlyBatch(message.id, message.columns, message.batch);
      if (message.type !== 'replies') return;
      for (const { id, reply } of message.replies) {
        const pending = this.pending.get(id);
        this.pending.delete(id);
        pending?.resolve(reply);
      }
    });
  }

  send(task: QueryTask): Promise<QueryReply> {
    return new Promise((resolve, reject) => {
      this.pending.set(task.id, { resolve, reject });
      this.outbox.push(task);
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        // Everything queued in this turn of the event loop leaves in one message.
        queueMicrotask(() => this.flush());
      }
    });
  }

  failAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    this.outbox = [];
  }

  private flush(): void {
    this.flushScheduled = false;
    const request: DirectRequest = { tasks: this.outbox };
    this.outbox = [];
    this.port.postMessage(request);
  }
}

export class DirectDispatcher {
  private readonly channels = new Set<WorkerChannel>();
  private closing = false;
  private waitingForChannel: (() => void)[] = [];

  constructor(
    private readonly piscina: Piscina<WorkerTask, unknown>,
    workers: number,
    private readonly onEarlyBatch: EarlyBatchHandler,
  ) {
    for (let i = 0; i < workers; i++) this.attach();
  }

  /** Run a one-shot query on the least busy worker. */
  async run(task: QueryTask): Promise<QueryReply> {
    while (this.channels.size === 0) {
      if (this.closing) throw new WorkerCrashedError('the pool is closing');
      await new Promise<void>((resolve) => this.waitingForChannel.push(resolve));
    }
    let best: WorkerChannel | undefined;
    for (const channel of this.channels) if (best === undefined || channel.pending.size < best.pending.size) best = channel;
    return best!.send(task);
  }

  close(): void {
    this.closing = true;
    for (const channel of this.channels) channel.port.close();
    this.channels.clear();
    for (const wake of this.waitingForChannel.splice(0)) wake();
  }

  private attach(): void {
    if (this.closing) return;
    const { port1, port2 } = new MessageChannel();
    let channel: WorkerChannel | undefined;
    port1.once('message', (message: DirectMessage) => {
      if (message.type !== 'ready' || this.closing) return;
      channel = new WorkerChannel(port1, this.onEarlyBatch);
      this.channels.add(channel);
      for (const wake of this.waitingForChannel.splice(0)) wake();
    });
    this.piscina.run({ kind: 'attach', port: port2 }, { transferList: [port2] as never }).then(
      (outcome: unknown) => {
        port1.close();
        // Another worker already had a channel: piscina picked a busy one; ask again shortly.
        if ((outcome as AttachOutcome) === 'duplicate') setTimeout(() => this.attach(), 20).unref();
      },
      (error: unknown) => {
        port1.close();
        if (channel !== undefined) {
          this.channels.delete(channel);
          channel.failAll(workerCrashed(error));
        }
        this.attach();
      },
    );
  }
}
