// The main thread's end of one worker: its data port (calls out, events back, many to a message),
// its control port wrapped by comlink, the calls it runs, and the connections it reported.

import { wrap, type Endpoint, type Remote } from 'comlink';
import type { MessagePort } from 'node:worker_threads';
import { InterfaceError, ParameterError } from '../../codec/errors/client-errors.js';
import {
  serializeError, SHAPES_REMEMBERED,
  type Call, type ColumnInfo, type QuerySuccess, type Shaped, type ConnectionCounts, type DataEvent, type DataMessage, type DataRequest, type WorkerControl,
} from '../../worker/pool/contract.js';

/** Receives one call's events; 'reply' and 'stream-end' are the last. */
export interface CallHandler {
  event(event: DataEvent): void;
  /** The worker died: the call will hear nothing more. */
  lost(error: Error): void;
}

/** What this thread has placed on the worker, by the kind of hold on a connection. */
export interface Placed {
  busy: number;
  pinned: number;
  streaming: number;
}

export class WorkerLink {
  readonly control: Remote<WorkerControl>;
  /** The worker's connections, as it last reported them. */
  counts: ConnectionCounts = { open: 0, idle: 0, opening: 0, broken: 0 };
  readonly placed: Placed = { busy: 0, pinned: 0, streaming: 0 };
  /** Rejects once the worker is gone (crashed, or the pool closed): racing it keeps no call waiting forever. */
  readonly gone: Promise<never>;
  private goneWith: Error | undefined;
  private rejectGone!: (error: Error) => void;
  private readonly handlers = new Map<number, CallHandler>();
  /** The columns of each result shape the worker announced (see Shaped). */
  private readonly shapes = new Map<number, ColumnInfo[]>();
  private outbox: DataRequest[] = [];
  /** Buffers moved (not copied) with the next message: COPY chunks. */
  private outboxTransfer: ArrayBuffer[] = [];
  private flushScheduled = false;

  constructor(
    readonly index: number,
    private readonly data: MessagePort,
    private readonly controlPort: MessagePort,
  ) {
    this.control = wrap<WorkerControl>(controlPort as unknown as Endpoint);
    this.gone = new Promise<never>((_, reject) => (this.rejectGone = reject));
    this.gone.catch(() => undefined);
    data.on('message', (message: DataMessage<DataEvent>) => {
      for (const event of message.items) this.receive(event);
    });
  }

  /** Connections in use for calls this thread placed here. */
  get used(): number {
    return this.placed.busy + this.placed.pinned + this.placed.streaming;
  }

  get alive(): boolean {
    return this.goneWith === undefined;
  }

  /** Send a call (its events go to `handler`), or a cancel, credit or stop for one; `transfer`: buffers it moves. */
  send(request: DataRequest, handler?: CallHandler, transfer?: readonly ArrayBuffer[]): void {
    if (this.goneWith !== undefined) {
      handler?.lost(this.goneWith);
      return;
    }
    if (handler !== undefined) this.handlers.set(request.id, handler);
    this.outbox.push(request);
    if (transfer !== undefined) this.outboxTransfer.push(...transfer);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // Everything sent in this turn of the event loop leaves in one message: callers woken by
      // one message of replies make their next calls through chains of promises, so a microtask
      // would leave after the first of them; setImmediate leaves after all.
      setImmediate(() => this.flush());
    }
  }

  /** Send a call that holds no place of its own (a pinned session's) and resolve with its reply. */
  ask(call: Call): Promise<Extract<DataEvent, { type: 'reply' }>['reply']> {
    return new Promise((resolve, reject) => this.send(call, {
      event: (event) => {
        if (event.type === 'reply') resolve(event.reply);
      },
      lost: reject,
    }));
  }

  /** The worker is gone: every call still running on it fails with `error`. */
  fail(error: Error): void {
    if (this.goneWith !== undefined) return;
    this.goneWith = error;
    this.rejectGone(error);
    const handlers = [...this.handlers.values()];
    this.handlers.clear();
    this.outbox = [];
    for (const handler of handlers) handler.lost(error);
  }

  /** Close both ports: the worker then closes its connections and its serve task ends. */
  close(error: Error): void {
    this.fail(error);
    this.data.close();
    this.controlPort.close();
  }

  private receive(event: DataEvent): void {
    if (event.type === 'counts') {
      this.counts = event.counts;
      return;
    }
    const described = (event.type === 'reply' ? event.reply : event) as Partial<Shaped & QuerySuccess>;
    if (described.shape !== undefined && !this.resolveShape(described as Shaped)) {
      const lost = new InterfaceError(`a pool worker referred to result shape ${described.shape}, which this thread does not know: please report this as a bug`);
      event = { type: 'reply', id: event.id, reply: { ok: false, error: serializeError(lost) } };
    }
    if (described.wireRows !== undefined) {
      // Buffer.from copies the latin1 string's bytes into pooled memory: no ArrayBuffer per reply.
      described.rows = { bytes: Buffer.from(described.wireRows.latin1, 'latin1'), ends: described.wireRows.ends };
      described.wireRows = undefined;
    }
    const handler = this.handlers.get(event.id);
    if (event.type === 'reply' || event.type === 'stream-end') this.handlers.delete(event.id);
    handler?.event(event);
  }

  /** Fill in (or learn) a result's columns by its shape; false for a shape never announced. */
  private resolveShape(shaped: Shaped): boolean {
    const shape = shaped.shape!;
    if (shaped.columns === undefined) {
      const columns = this.shapes.get(shape);
      if (columns === undefined) return false;
      shaped.columns = columns;
      return true;
    }
    // Forget in the worker's order: the oldest announced first (see Shaped).
    this.shapes.delete(shape);
    this.shapes.set(shape, shaped.columns);
    if (this.shapes.size > SHAPES_REMEMBERED) this.shapes.delete(this.shapes.keys().next().value!);
    return true;
  }

  private flush(): void {
    this.flushScheduled = false;
    const items = this.outbox;
    const transfer = this.outboxTransfer;
    this.outbox = [];
    this.outboxTransfer = [];
    if (this.goneWith !== undefined || items.length === 0) return;
    try {
      this.data.postMessage({ items } satisfies DataMessage<DataRequest>, transfer);
    } catch {
      // Something in one call could not be cloned: send each alone, so that only it fails.
      for (const item of items) {
        try {
          this.data.postMessage({ items: [item] } satisfies DataMessage<DataRequest>);
        } catch (error) {
          const refused = new ParameterError(`the call could not be sent to its pool worker: ${error instanceof Error ? error.message : String(error)}; pass plain data as parameters`);
          this.receive({ type: 'reply', id: item.id, reply: { ok: false, error: serializeError(refused) } });
        }
      }
    }
  }
}
