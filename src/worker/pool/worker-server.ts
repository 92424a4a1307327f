// A pool worker's side of its two ports. Calls — pinned sessions' too — arrive on the data port
// several to a message and their events leave the same way, gathered until the event loop's check
// phase, so that a burst of small queries costs a few thread wake-ups instead of two per query.
// NOTIFY handlers and closing are served over the control port with comlink.

import { expose, type Endpoint } from 'comlink';
import type { MessagePort } from 'node:worker_threads';
import type { CallEnv } from './call-env.js';
import { ConnectionSlots } from './connection-slots.js';
import { buffersOf } from '../../codec/batch/index.js';
import type { Call, ConnectionCounts, CopyInCall, CopyOutCall, DataEvent, DataMessage, DataRequest, ServeTask, SessionCall, SessionOperation, SessionReply, WorkerConfig, WorkerControl } from './contract.js';
import { notSentError, serializeError } from './contract.js';
import { InterfaceError } from '../../codec/errors/client-errors.js';
import { PinnedSession } from './pinned-session.js';
import { ResultShapes } from './result-shapes.js';
import { runQueryCall } from './query-task.js';
import { RunningCall } from './running-call.js';
import { runStreamCall, StreamFlow } from './stream-task.js';
import { runTypeLookupCall } from './type-lookup-task.js';
import { copyInOn, copyOutOn, CopyInFeed, CopyOutFlow, copyRowCount, runCopyCall } from './copy-task.js';

export class WorkerServer implements CallEnv {
  readonly slots: ConnectionSlots;
  readonly shapes: ResultShapes;
  /** Settles when the main thread closes the data port (the pool is closing). */
  readonly served: Promise<void>;
  private readonly running = new Map<number, RunningCall>();
  private readonly streams = new Map<number, StreamFlow>();
  private readonly sessions = new Map<number, PinnedSession>();
  /** Session calls running now, by call id: where a cancel for one goes. */
  private readonly sessionCalls = new Map<number, PinnedSession>();
  /** COPY FROM calls running now: where their chunks go. */
  private readonly copyFeeds = new Map<number, CopyInFeed>();
  /** COPY TO calls running now: where their credits go. */
  private readonly copyFlows = new Map<number, CopyOutFlow>();
  private outbox: DataEvent[] = [];
  private transfer: ArrayBuffer[] = [];
  private flushScheduled = false;
  private countsChanged = false;
  private lastCounts: ConnectionCounts | undefined;
  private readonly data: MessagePort;

  constructor(readonly config: WorkerConfig, task: ServeTask) {
    this.data = task.data;
    this.slots = new ConnectionSlots(config, () => this.noteCounts());
    this.shapes = new ResultShapes(this.slots.catalog);
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
    // Here, in the order events leave, a result shape's columns go with its first event.
    this.shapes.announce(event);
    this.outbox.push(event);
    if (transfer !== undefined) for (const buffer of transfer) this.transfer.push(buffer);
    this.scheduleFlush();
  }

  private handle(request: DataRequest): void {
    switch (request.type) {
      case 'cancel': {
        this.running.get(request.id)?.giveUp(request.reason);
        const feed = this.copyFeeds.get(request.id);
        // A COPY FROM ends itself (CopyFail, or as the server ends it once all was sent): no CancelRequest.
        if (feed === undefined) this.sessionCalls.get(request.id)?.cancel(request.id, request.reason);
        else if (!feed.giveUp(request.reason) && !feed.answered) {
          // Not started (waiting for a connection, or behind a session's running call): it never
          // will be, and the caller hears so now rather than when it would have had its turn.
          feed.answered = true;
          this.emit({ type: 'reply', id: request.id, reply: { ok: false, error: serializeError(notSentError(request.reason)) } });
        }
        this.copyFlows.get(request.id)?.giveUp();
        return;
      }
      case 'copy-data':
        this.copyFeeds.get(request.id)?.push(request.chunk);
        return;
      case 'copy-done':
        this.copyFeeds.get(request.id)?.done();
        return;
      case 'copy-fail':
        this.copyFeeds.get(request.id)?.fail(request.reason);
        return;
      case 'copy-credit':
        this.copyFlows.get(request.id)?.credit(request.chunks);
        return;
      case 'copy-in':
      case 'copy-out':
        void this.runCopy(request);
        return;
      case 'credit':
        this.streams.get(request.id)?.credit(request.batches);
        return;
      case 'stop-stream':
        this.streams.get(request.id)?.stop();
        this.running.get(request.id)?.giveUp('abort');
        return;
      case 'session':
        void this.runSessionCall(request);
        return;
      default:
        void this.start(request);
    }
  }

  private async runSessionCall(call: SessionCall): Promise<void> {
    const session = this.sessions.get(call.session);
    if (session === undefined) {
      const error = new InterfaceError('this pinned connection was released: acquire another');
      return this.emit({ type: 'reply', id: call.id, reply: { ok: false, error: serializeError(error) } });
    }
    const { operation } = call;
    if (operation.kind === 'release') {
      this.sessions.delete(call.session);
      await session.release(operation.discard);
      return this.emit({ type: 'reply', id: call.id, reply: { ok: true, released: true } });
    }
    this.sessionCalls.set(call.id, session);
    const reply = await this.runSessionOperation(session, call.id, operation);
    this.sessionCalls.delete(call.id);
    this.emit({ type: 'reply', id: call.id, reply }, reply.ok ? reply.batches.flatMap(buffersOf) : undefined);
  }

  private runSessionOperation(session: PinnedSession, id: number, operation: Exclude<SessionOperation, { kind: 'release' }>): Promise<SessionReply> {
    switch (operation.kind) {
      case 'query':
        return session.query(id, operation.request);
      case 'fetch-portal':
        return session.fetchPortal(id, operation.portal, operation.maxRows);
      case 'close-portal':
        return session.closePortal(id, operation.portal);
      case 'prepare':
        return session.prepare(id, operation.sql, operation.name, operation.types);
      case 'close-statement':
        return session.closeStatement(id, operation.name);
    }
  }

  /** A COPY, one-shot or on a pinned session; its chunks and credits are routed by its id meanwhile. */
  private async runCopy(call: CopyInCall | CopyOutCall): Promise<void> {
    const feed = call.type === 'copy-in' ? new CopyInFeed() : undefined;
    const flow = call.type === 'copy-out' ? new CopyOutFlow(call.id, call.highWaterMark, this) : undefined;
    if (feed !== undefined) this.copyFeeds.set(call.id, feed);
    if (flow !== undefined) this.copyFlows.set(call.id, flow);
    // A COPY FROM answered when it was given up before it started ends with no reply of its own.
    const reply = (event: DataEvent) => {
      if (feed?.answered !== true) this.emit(event);
    };
    try {
      if (call.session === undefined) {
        const running = new RunningCall(this.config.cancelGracePeriod);
        this.running.set(call.id, running);
        try {
          return reply(await runCopyCall(call, running, this, feed, flow));
        } finally {
          this.running.delete(call.id);
        }
      }
      const session = this.sessions.get(call.session);
      if (session === undefined) {
        const error = new InterfaceError('this pinned connection was released: acquire another');
        return reply({ type: 'reply', id: call.id, reply: { ok: false, error: serializeError(error) } });
      }
      this.sessionCalls.set(call.id, session);
      const ended = await session.copy(call.id, async (connection) => {
        const command = call.type === 'copy-in' ? await copyInOn(connection, call, feed!, this) : await copyOutOn(connection, call, flow!);
        return { command, rowCount: copyRowCount(command) };
      });
      this.sessionCalls.delete(call.id);
      reply({ type: 'reply', id: call.id, reply: ended });
    } finally {
      this.copyFeeds.delete(call.id);
      this.copyFlows.delete(call.id);
    }
  }

  private async start(call: Exclude<Call, SessionCall | CopyInCall | CopyOutCall>): Promise<void> {
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
          const { session, reply } = await PinnedSession.open(this, running, call.begin);
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
    return {
      setNotificationHandler: async (id, handler) => {
        const session = this.sessions.get(id);
        if (session === undefined) throw new InterfaceError('this pinned connection was released: acquire another');
        session.setNotificationHandler(handler);
      },
      closeAll: () => this.slots.closeAll(),
      expireConnections: async () => this.slots.expire(),
      setConnection: async (connection) => this.slots.setConnection(connection),
      setConnectArgsProvider: async (provider) => this.slots.setConnectArgsProvider(provider),
    };
  }

  private noteCounts(): void {
    this.countsChanged = true;
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // Two check phases later: the poll phase between (which does not block while an immediate is
    // pending) gathers the replies of other connections whose bytes arrived meanwhile.
    setImmediate(() => setImmediate(() => this.flush()));
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
