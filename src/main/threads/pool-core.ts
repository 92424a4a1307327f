// The pool's machinery on the main thread, under the public Pool: the one queue, the worker
// threads, and the life of each kind of call — one-shot (to its reply), streamed (batches with
// credits), pinned (a session) — with abort, timeout and a dead worker handled the same way for
// all: the caller hears at once, the worker is told to cancel that one call, and the connection's
// place is given back only when the worker says the call has ended.

import type { PostgresErrorFields } from '../../codec/errors/postgres-error.js';
import { createHistogram, performance } from 'node:perf_hooks';
import { InterfaceError } from '../../codec/errors/client-errors.js';
import {
  cancelledError, deserializeError, giveUpError,
  type Call, type ColumnInfo, type DataEvent, type QuerySuccess, type SessionReply, type StreamCall, type TypeLookupReply,
} from '../../worker/pool/contract.js';
import type { BatchData } from '../../codec/batch/index.js';
import type { TypeDescription } from '../../codec/types/introspected/description.js';
import type { BatchStream } from '../batch-stream.js';
import { ParamEncoder } from '../param-encoder.js';
import type { ResolvedPoolOptions } from '../pool-options.js';
import { PoolTypes } from '../pool-types.js';
import { CallGuard, type GuardOptions } from './call-guard.js';
import { CallQueue, type Placement, type SlotUse } from './call-queue.js';
import { connectionWaitLimits } from './wait-in-line.js';
import { ResultSchemas } from './result-schemas.js';
import { WorkerThreads } from './worker-threads.js';
import { MainThreadLane, type PinnedLaneConnection } from './main-thread-lane.js';
import { connectInline } from '../connect-inline.js';
import type { Connection } from '../connection.js';
import type { RunRequest } from '../queryable.js';

type Reply = Extract<DataEvent, { type: 'reply' }>['reply'];

/** A session's hold on its worker: the place is given back once, when it is released or lost. */
export interface SessionLease {
  placement: Placement;
  id: number;
  opened: Extract<SessionReply, { ok: true }>;
  /** Give the connection's place back (after the worker released it). */
  free(): void;
}

export class PoolCore {
  readonly queue: CallQueue;
  readonly threads: WorkerThreads;
  readonly typeState: PoolTypes;
  readonly encoder: ParamEncoder;
  readonly schemas: ResultSchemas;
  /** The pool's connections on this thread, for statements known to return small results. */
  readonly lane: MainThreadLane;
  /** Nanoseconds from sending a call to its end. */
  readonly runTime = createHistogram();
  private lastId = 0;
  private closedWith: Error | undefined;
  /** Calls, streams and sessions running now; close() waits for them. */
  private running = 0;
  private whenIdle: (() => void)[] = [];

  constructor(
    readonly options: ResolvedPoolOptions,
    /** Each notice of a one-shot call or stream (the pool's onNotice and log listeners). */
    private readonly onNotice: (notice: PostgresErrorFields) => void = () => undefined,
  ) {
    const { worker, workers } = options;
    this.queue = new CallQueue(worker.connectionsPerWorker);
    this.threads = new WorkerThreads(worker, workers, this.queue, options.connectArgs);
    this.typeState = new PoolTypes(worker.types, (typeName, schema) => this.lookupType(typeName, schema));
    this.encoder = new ParamEncoder(this.typeState.catalog);
    this.schemas = new ResultSchemas(this.typeState, worker.types);
    this.lane = new MainThreadLane({
      size: options.mainThread.connections,
      maxRows: options.mainThread.maxRows,
      maxQueriesPerConnection: worker.maxQueriesPerConnection,
      maxInactiveConnectionLifetime: worker.maxInactiveConnectionLifetime,
      acquireTimeout: options.acquireTimeout,
      open: () => this.openOnMainThread(),
    });
  }

  /**
   * Whether a one-shot call runs on the main-thread connections: one execution of a statement
   * whose results were small, while no custom codec is set (those encode and decode for workers),
   * unless they are all busy while this thread has time to spare and a worker has a free connection.
   * (A call that waits there may still go to a worker: MainThreadLane.run.)
   */
  runsOnMainThread(request: RunRequest): boolean {
    if (request.paramSets.length !== 1 || this.typeState.hasCustomCodecs || !this.lane.prefers(request.sql)) return false;
    // All main-thread connections busy while this thread idles (they wait on the network or the
    // server): a worker with a free connection serves the call sooner.
    return this.lane.waitsWhenBusy() || !this.queue.hasRoom();
  }

  /**
   * A COPY of data on this thread (records, columns) run on a free main-thread connection, as
   * connect() runs it: the rows are encoded here either way, and the bytes then need no hop.
   * Undefined when none is free or a custom codec is set: the workers take it.
   */
  copyOnMainThread(copy: (connection: Connection) => Promise<string>): Promise<string> | undefined {
    if (this.typeState.hasCustomCodecs) return undefined;
    const running = this.lane.runNow(copy);
    return running === undefined ? undefined : this.track(running);
  }

  /**
   * A pinned session on a main-thread connection, with `setup` and `begin` run: undefined, and
   * nothing taken, when the lane would not take it (see MainThreadLane.pin) or a custom codec is set,
   * and resolved to undefined when its wait there stalled (the session then goes to a worker).
   * `options` bound the wait for its opening, as for a worker's session.
   */
  pinOnMainThread(options: GuardOptions, setup: string | undefined, begin: string | undefined): Promise<PinnedLaneConnection | undefined> | undefined {
    if (this.typeState.hasCustomCodecs) return undefined;
    const guard = this.startGuard(options);
    const taking = this.lane.pin(guard);
    if (taking === undefined) {
      guard.dispose();
      return undefined;
    }
    let sessionEnded!: () => void;
    this.track(new Promise<void>((resolve) => (sessionEnded = resolve)));
    const opened = (async (): Promise<PinnedLaneConnection | undefined> => {
      const pinned = await taking;
      if (pinned === undefined) {
        sessionEnded();
        return undefined;
      }
      const unpin = () => {
        pinned.unpin();
        sessionEnded();
      };
      try {
        if (setup !== undefined) await pinned.connection.runSimple(setup);
        if (begin !== undefined) await pinned.connection.runSimple(begin);
      } catch (error) {
        unpin();
        throw error;
      }
      return { connection: pinned.connection, releasing: pinned.releasing, unpin };
    })();
    opened.catch(() => sessionEnded());
    return new Promise<PinnedLaneConnection | undefined>((resolve, reject) => {
      let settled = false;
      guard.watch((reason) => {
        settled = true;
        reject(giveUpError(reason, reason === 'timeout' ? `timed out after ${guard.timeout} ms while its connection was opened` : 'was aborted while its connection was opened'));
        // The caller gave up while the session opened: hand it straight back.
        opened.then((pinned) => pinned?.unpin(), () => undefined);
      });
      opened.then((pinned) => {
        guard.dispose();
        if (settled) return;
        settled = true;
        resolve(pinned);
      }, (error: unknown) => {
        guard.dispose();
        if (settled) return;
        settled = true;
        reject(error);
      });
    });
  }

  /** A main-thread connection with what a worker's would have: options, connect callback, init. */
  private async openOnMainThread(): Promise<Connection> {
    const { worker, connectArgs } = this.options;
    const args = connectArgs === undefined ? {} : await connectArgs();
    const connection = await connectInline({
      ...worker.connection,
      ...args,
      statementCacheSize: worker.statementCacheSize,
      maxCachedStatementLifetime: worker.maxCachedStatementLifetime,
      maxCacheableStatementSize: worker.maxCacheableStatementSize,
      cancelGracePeriod: worker.cancelGracePeriod,
      types: worker.types,
      // Its pinned sessions' calls and prepared statements default as the pool's calls do.
      rowMode: this.options.rowMode,
      commandTimeout: this.options.commandTimeout,
      onNotice: (notice) => this.onNotice(notice),
    });
    if (worker.init !== undefined) {
      try {
        await connection.execute(worker.init);
      } catch (error) {
        connection.terminate();
        throw error;
      }
    }
    return connection;
  }

  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  nextId(): number {
    return ++this.lastId;
  }

  /** New calls fail from now on; calls waiting for a place fail with `error`. */
  refuseCalls(error: Error): void {
    this.closedWith ??= error;
    this.queue.failAll(error);
    this.lane.refuse(error);
  }

  /** Settles when every call, stream and session running now has ended, or after `timeoutMs`. */
  async drained(timeoutMs: number): Promise<void> {
    if (this.running === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise<void>((resolve) => this.whenIdle.push(resolve)), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  /** A call on the main thread's lane begins: close() waits for it until callEnded(). */
  callStarted(): void {
    this.running++;
  }

  callEnded(): void {
    if (--this.running > 0) return;
    for (const resolve of this.whenIdle.splice(0)) resolve();
  }

  /** Run a one-shot call to its reply; `onBatch` takes batches sent ahead of it. */
  call(build: (id: number) => Call, options: GuardOptions, onBatch?: (columns: ColumnInfo[], batch: BatchData) => void): Promise<Reply> {
    let guard: CallGuard | undefined;
    try {
      guard = this.callGuard(options);
    } catch (error) {
      return Promise.reject(error);
    }
    // The common case — a worker has room, no signal, no timeout — costs no extra promise.
    const now = this.queue.takeNow('busy');
    if (now !== undefined) return this.send(now, build, guard, onBatch);
    return this.place('busy', guard).then((placement) => this.send(placement, build, guard, onBatch));
  }

  private send(placement: Placement, build: (id: number) => Call, guard: CallGuard | undefined, onBatch?: (columns: ColumnInfo[], batch: BatchData) => void): Promise<Reply> {
    const id = this.nextId();
    let call: Call;
    try {
      call = build(id);
    } catch (error) {
      this.queue.give(placement);
      guard?.dispose();
      return Promise.reject(error);
    }
    const started = performance.now();
    this.running++;
    return new Promise<Reply>((resolve, reject) => {
      let settled = false;
      const settle = (finish: () => void) => {
        if (settled) return;
        settled = true;
        guard?.dispose();
        finish();
      };
      guard?.watch((reason) => settle(() => {
        placement.link.send({ type: 'cancel', id, reason });
        reject(cancelledError(reason, guard.timeout));
      }));
      const ended = () => {
        this.queue.give(placement);
        this.runTime.record(Math.max(1, Math.round((performance.now() - started) * 1e6)));
        this.callEnded();
      };
      placement.link.send(call, {
        event: (event) => {
          if (event.type === 'batch') {
            if (!settled) onBatch?.(event.columns, event.batch);
            return;
          }
          ended();
          if (event.type === 'reply') settle(() => resolve(event.reply));
        },
        lost: (error) => {
          ended();
          settle(() => reject(error));
        },
      });
    });
  }

  /** Run a one-shot call whose reply is a query's; a failure is thrown as its own error class. */
  query(build: (id: number) => Call, options: GuardOptions, onBatch?: (columns: ColumnInfo[], batch: BatchData) => void): Promise<QuerySuccess> {
    return this.call(build, options, onBatch).then((answer) => {
      const reply = answer as QuerySuccess | Extract<Reply, { ok: false }>;
      if (!reply.ok) throw deserializeError(reply.error);
      for (const notice of reply.notices) this.onNotice(notice);
      return reply;
    });
  }

  /** Start a stream feeding `stream`; its placement is held until the worker sends the end. */
  stream(build: (id: number) => StreamCall, options: GuardOptions, stream: BatchStream<unknown>): void {
    const guard = this.startGuard(options);
    void this.track((async () => {
      let placement: Placement;
      try {
        placement = await this.place('streaming', guard);
      } catch (error) {
        guard.dispose();
        stream.fail(error as Error);
        return;
      }
      if (stream.finishedConsuming) {
        guard.dispose();
        this.queue.give(placement);
        return;
      }
      const id = this.nextId();
      const { link } = placement;
      await new Promise<void>((resolve) => {
        guard.watch((reason) => {
          link.send({ type: 'cancel', id, reason });
          stream.fail(cancelledError(reason, guard.timeout));
        });
        stream.started({
          credit: (batches) => link.send({ type: 'credit', id, batches }),
          stop: () => link.send({ type: 'stop-stream', id }),
        });
        link.send(build(id), {
          event: (event) => {
            if (event.type === 'batch') return stream.push(event.columns, event.batch);
            guard.dispose();
            this.queue.give(placement);
            resolve();
            if (event.type === 'stream-end') {
              this.schemas.schemaOf(event.columns, 'object');
              for (const notice of event.notices) this.onNotice(notice);
              stream.end();
            } else if (event.type === 'reply' && !event.reply.ok) stream.fail(deserializeError(event.reply.error));
          },
          lost: (error) => {
            guard.dispose();
            this.queue.give(placement);
            resolve();
            stream.fail(error);
          },
        });
      });
    })());
  }

  /**
   * Pin a connection for a session. `signal` and `timeout` cover waiting for a place and for the
   * connection to open, not the session's life; the server's own error (a wrong password, a
   * failing init or setup) is thrown as is.
   */
  async openSession(options: GuardOptions, begin?: string): Promise<SessionLease> {
    const guard = this.startGuard(options);
    return this.openSessionOn(await this.place('pinned', guard), guard, begin);
  }

  /**
   * A session only if a worker has room for it now (nobody waiting first); undefined otherwise. For
   * a caller that already holds sessions: waiting for one more while holding some is how two such
   * callers end up waiting on each other forever.
   */
  async openSessionIfFree(options: GuardOptions): Promise<SessionLease | undefined> {
    const guard = this.startGuard(options);
    const placement = this.queue.takeNow('pinned');
    if (placement === undefined) {
      guard.dispose();
      return undefined;
    }
    return this.openSessionOn(placement, guard);
  }

  private async openSessionOn(placement: Placement, guard: CallGuard, begin?: string): Promise<SessionLease> {
    const id = this.nextId();
    const { link } = placement;
    let ended!: () => void;
    const sessionLife = new Promise<void>((resolve) => (ended = resolve));
    let freed = false;
    const free = () => {
      if (freed) return;
      freed = true;
      this.queue.give(placement);
      ended();
    };
    const opened = await new Promise<Extract<SessionReply, { ok: true }>>((resolve, reject) => {
      let settled = false;
      guard.watch((reason) => {
        settled = true;
        link.send({ type: 'cancel', id, reason });
        reject(giveUpError(reason, reason === 'timeout' ? `timed out after ${guard.timeout} ms while its connection was opened` : 'was aborted while its connection was opened'));
      });
      link.send(begin === undefined ? { type: 'open-session', id } : { type: 'open-session', id, begin }, {
        event: (event) => {
          if (event.type !== 'reply') return;
          const reply = event.reply as SessionReply;
          guard.dispose();
          if (!reply.ok) {
            free();
            if (!settled) reject(deserializeError(reply.error));
          } else if (settled) {
            // The caller gave up while the session opened: hand it straight back.
            void link.ask({ type: 'session', id: this.nextId(), session: id, operation: { kind: 'release', discard: false } }).catch(() => undefined).finally(free);
          } else resolve(reply);
          settled = true;
        },
        lost: (error) => {
          guard.dispose();
          free();
          if (!settled) reject(error);
          settled = true;
        },
      });
    });
    this.track(sessionLife);
    return { placement, id, opened, free };
  }

  async lookupType(typeName: string, schema: string | undefined): Promise<{ oid: number; types: TypeDescription[] }> {
    const reply = (await this.call((id) => ({ type: 'lookup-type', id, typeName, schema, types: this.typeState.wire }), {})) as TypeLookupReply;
    if (!reply.ok) throw deserializeError(reply.error);
    return reply;
  }

  startGuard(options: GuardOptions): CallGuard {
    if (this.closedWith !== undefined) throw new InterfaceError('the pool is closed: create a new one');
    const guard = new CallGuard(options);
    guard.checkNotAborted();
    return guard;
  }

  /** A one-shot call's guard; undefined when it has neither signal nor timeout (most calls). */
  private callGuard(options: GuardOptions): CallGuard | undefined {
    if (options.signal === undefined && options.timeout === undefined && this.closedWith === undefined) return undefined;
    return this.startGuard(options);
  }

  /** Wait for a place; abort, the call's timeout and acquireTimeout end the wait. */
  place(use: SlotUse, guard: CallGuard | undefined): Promise<Placement> {
    const call = { signal: guard?.signal, timeout: guard?.timeout, remainingMs: guard?.remaining() };
    return this.queue.take(use, connectionWaitLimits(call, this.options.acquireTimeout, 'add workers or connectionsPerWorker'));
  }

  /** Count `promise` as running until it settles (streams, sessions, COPY). */
  track<T>(promise: Promise<T>): Promise<T> {
    this.running++;
    const ended = () => this.callEnded();
    promise.then(ended, ended);
    return promise;
  }
}
