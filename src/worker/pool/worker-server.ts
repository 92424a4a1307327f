// A pool worker's side of its two ports. Calls arrive on the data port several to a message and
// their events leave the same way, gathered until the event loop's check phase, so that a burst
// of small queries costs a few thread wake-ups instead of two per query. Pinned sessions and
// closing are served over the control port with comlink.

import { expose, type Endpoint } from 'comlink';
import type { MessagePort } from 'node:worker_threads';
import type { CallEnv } from './call-env.js';
import { ConnectionSlots } from './connection-slots.js';
import type { Call, ConnectionCounts, DataEvent, DataMessage, DataRequest, ServeTask, WorkerConfig, WorkerControl } from './contract.js';
import { serializeError } from './contract.js';
import { InterfaceError } from '../../codec/errors/client-errors.js';
import { PinnedSession } from './pinned-session.js';
import { runQueryCall } from './query-task.js';
import { RunningCall } from './running-call.js';
import { runStreamCall, StreamFlow } from './stream-task.js';
import { runTypeLookupCall } from './type-lookup-task.js';

export class WorkerServer implements CallEnv {
  readonly slots: ConnectionSlots;
  /** Settles when the main thread closes the data port (the pool is closing). */
  readonly served: Promise<void>;
  private readonly running = new Map<number, RunningCall>();
  private readonly streams = new Map<number, StreamFlow>();
  private readonly sessions = new Map<number, PinnedSession>();
  private outbox: DataEvent[] = [];
  private transfer: ArrayBuffer[] = [];
  private flushScheduled = false;
  private countsChanged = false;
  private lastCounts: ConnectionCounts | undefined;
  private readonly data: MessagePort;

  constructor(readonly config: WorkerConfig, task: ServeTask) {
    this.data = task.data;
    this.slots = new ConnectionSlots(config, () => this.noteCounts());
    this.data.on('message', (message: DataMessage<DataRequest>) => {
      for (const request of message.items) this.handle(request);
    });
    expose(this.controlApi(), task.control as unknown as Endpoint);
    this.served = new Promise((resolve) => this.data.once('close', () => {
      this.slots.destroyAll();
      task.control.close();
      resolve();
    }));
    this.slots.warm(config.minConnections);
  }

  emit(event: DataEvent, transfer?: readonly ArrayBuffer[]): void {
    this.outbox.push(event);
    if (transfer !== undefined) for (const buffer of transfer) this.transfer.push(buffer);
    this.scheduleFlush();
  }

  private handle(request: DataRequest): void {
    switch (request.type) {
      case 'cancel':
        this.running.get(request.id)?.giveUp(request.reason);
        return;
      case 'credit':
        this.streams.get(request.id)?.credit(request.batches);
        return;
      case 'stop-stream':
        this.streams.get(request.id)?.stop();
        this.running.get(request.id)?.giveUp('abort');
        return;
      default:
        void this.start(request);
    }
  }

  private async start(call: Call): Promise<void> {
    const running = new RunningCall(this.config.cancelGracePeriod);
    this.running.set(call.id, running);
    try {
      switch (call.type) {
        case 'query': {
          const { reply, transfer } = await runQueryCall(call, running, this);
          return this.emit({ type: 'reply', id: call.id, reply }, transfer);
        }
        case 'stream': {
          const flow = new StreamFlow(call.highWaterMark);
          this.streams.set(call.id, flow);
          const last = await runStreamCall(call, running, flow, this);
          this.streams.delete(call.id);
          return this.emit(last);
        }
        case 'lookup-type':
          return this.emit({ type: 'reply', id: call.id, reply: await runTypeLookupCall(call, running, this) });
        case 'open-session': {
          const { session, reply } = await PinnedSession.open(this, running);
          if (session !== undefined) this.sessions.set(call.id, session);
          return this.emit({ type: 'reply', id: call.id, reply });
        }
      }
    } catch (error) {
      // The handlers answer every failure themselves; this is a bug, but the caller must hear of it.
      this.emit({ type: 'reply', id: call.id, reply: { ok: false, error: serializeError(error) } });
    } finally {
      this.running.delete(call.id);
    }
  }

  private controlApi(): WorkerControl {
    const session = (id: number): PinnedSession => {
      const found = this.sessions.get(id);
      if (found === undefined) throw new InterfaceError('this pinned connection was released: acquire another');
      return found;
    };
    const failed = (error: unknown) => ({ ok: false as const, error: serializeError(error) });
    return {
      query: async (id, call, request) => {
        try {
          return await session(id).query(call, request);
        } catch (error) {
          return failed(error);
        }
      },
      fetchPortal: async (id, call, portal, maxRows) => {
        try {
          return await session(id).fetchPortal(call, portal, maxRows);
        } catch (error) {
          return failed(error);
        }
      },
      closePortal: async (id, call, portal) => {
        try {
          return await session(id).closePortal(call, portal);
        } catch (error) {
          return failed(error);
        }
      },
      cancel: async (id, call, reason) => {
        this.sessions.get(id)?.cancel(call, reason);
      },
      setNotificationHandler: async (id, handler) => {
        session(id).setNotificationHandler(handler);
      },
      release: async (id, discard) => {
        const found = this.sessions.get(id);
        this.sessions.delete(id);
        await found?.release(discard);
      },
      closeAll: () => this.slots.closeAll(),
    };
  }

  private noteCounts(): void {
    this.countsChanged = true;
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.countsChanged) {
      this.countsChanged = false;
      // A connection taken and given back in one turn changes nothing worth a message.
      const counts = this.slots.counts();
      const last = this.lastCounts;
      if (last === undefined || counts.open !== last.open || counts.idle !== last.idle || counts.opening !== last.opening || counts.broken !== last.broken) {
        this.lastCounts = counts;
        this.outbox.push({ type: 'counts', counts });
      }
    }
    if (this.outbox.length === 0) return;
    const message: DataMessage<DataEvent> = { items: this.outbox };
    const transfer = this.transfer;
    this.outbox = [];
    this.transfer = [];
    this.data.postMessage(message, transfer);
  }
}
