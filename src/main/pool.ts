// createPool(): worker threads (piscina), each owning several connections, decode results into
// columnar batches that arrive here without a copy. This thread only queues tasks and awaits.

import { BroadcastChannel, MessageChannel, type TransferListItem } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { InterfaceError, PoolTimeoutError, QueryAbortedError, QueryTimeoutError, WorkerCrashedError } from '../codec/errors/client-errors.js';
import { deserializeError } from '../codec/errors/transport.js';
import type { TypeOptions } from '../codec/types/codec.js';
import type { TypeCodecSpec } from '../codec/types/introspected/custom.js';
import type { TypeDescription } from '../codec/types/introspected/description.js';
import { wrap, type Endpoint } from 'comlink';
import type { ColumnInfo, ControlMessage, QueryReply, QueryTask, SessionApi, SessionTask, StreamTask, TypeLookupReply, WorkerTask, AttachTask } from '../worker/pool/messages.js';
import { PooledConnection, type Notification, type PinnedCursorOptions } from './pooled-connection.js';
import type { TransactionOptions } from './transaction-options.js';
import { packParams } from '../worker/pool/params.js';
import { createHistogram } from 'node:perf_hooks';
import { Admission } from './admission.js';
import { checkParams } from './check-params.js';
import { DirectDispatcher, workerCrashed } from './direct-dispatch.js';
import type { Column } from './columns.js';
import type { BuiltinCodecOptions, Row } from './connection.js';
import { PoolTypes } from './pool-types.js';
import { resolvePoolOptions, type PoolOptions, type ResolvedPoolOptions } from './pool-options.js';
import { RecordBatch, type ResultSchema } from './record-batch.js';
import { RowCollector } from './row-collector.js';
import { ParamEncoder } from './param-encoder.js';
import type { BatchData } from '../codec/batch/index.js';
import { Result } from './result.js';
import { BatchStream } from './batch-stream.js';
import { workerScriptUrl } from './worker-script.js';

export interface CallOptions {
  /** Abort the call: a running query is cancelled on the server (CancelRequest); the pool stays usable. */
  signal?: AbortSignal;
  /** Give up after this many ms, counted from the call (waiting for a connection included). */
  timeout?: number;
  /** 'object' (default) or 'array' rows. */
  rowMode?: 'object' | 'array';
}

export interface StreamOptions extends CallOptions {
  /** Batches the worker may send ahead of the consumer before it stops reading (default 2). */
  highWaterMark?: number;
}

export interface HistogramSummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface PoolStats {
  workers: number;
  /** Connection slots in use (running queries and pinned sessions). */
  busy: number;
  /** Calls waiting for a free slot. */
  queued: number;
  capacity: number;
  /** The workers' connections: open (or opening), and idle among them (asked of each worker). */
  connections: { open: number; idle: number };
  completed: number;
  /** ms waited for a slot, and ms run in a worker. */
  waitTime: HistogramSummary;
  runTime: HistogramSummary;
}

let nextTaskId = 1;

function summarise(histogram: { count: number; min: number; mean: number; max: number; percentile(p: number): number }, scale: number): HistogramSummary {
  if (histogram.count === 0) return { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 };
  return {
    count: histogram.count,
    min: histogram.min / scale,
    mean: histogram.mean / scale,
    p50: histogram.percentile(50) / scale,
    p90: histogram.percentile(90) / scale,
    p99: histogram.percentile(99) / scale,
    max: histogram.max / scale,
  };
}

export class Pool {
  private readonly piscina: Piscina<WorkerTask, unknown>;
  private readonly control: BroadcastChannel;
  private readonly admission: Admission;
  private readonly direct: DirectDispatcher;
  /** Nanoseconds each task ran in a worker. */
  private readonly runTime = createHistogram();
  private readonly schemas = new Map<string, ResultSchema>();
  private readonly encoder: ParamEncoder;
  /** fetch() calls building rows from batches that arrive ahead of their reply. */
  private readonly earlyBatchHandlers = new Map<number, (columns: ColumnInfo[], batch: BatchData) => void>();
  private readonly types: TypeOptions;
  private closing: Promise<void> | undefined;
  private completedTasks = 0;
  private readonly running = new Set<Promise<unknown>>();
  private listener: Promise<PooledConnection> | undefined;
  /** Introspected types and custom codecs, on this thread where batches are decoded. */
  private readonly typeState: PoolTypes;

  /** @internal Use createPool(). */
  constructor(private readonly options: ResolvedPoolOptions) {
    const { worker, workers } = options;
    this.types = worker.types;
    this.piscina = new Piscina<WorkerTask, unknown>({
      filename: workerScriptUrl(),
      minThreads: workers,
      maxThreads: workers,
      // One more than the connections: each worker's direct-channel task holds a slot for good.
      concurrentTasksPerWorker: worker.connectionsPerWorker + 1,
      // Workers own sockets: their event loops must keep running between tasks (no Atomics.wait).
      atomics: 'disabled',
      idleTimeout: Number.MAX_SAFE_INTEGER,
      workerData: worker,
      recordTiming: true,
    });
    this.control = new BroadcastChannel(worker.controlChannel);
    this.control.unref();
    this.admission = new Admission(workers * worker.connectionsPerWorker);
    this.direct = new DirectDispatcher(this.piscina, workers, (id, columns, batch) => this.earlyBatchHandlers.get(id)?.(columns, batch));
    this.typeState = new PoolTypes(worker.types, (typeName, schema) => this.lookupType(typeName, schema));
    this.encoder = new ParamEncoder(this.typeState.catalog);
  }

  /** Run a query; rows arrive as columnar batches (see Result). */
  async query<R = Row>(sql: string, params: readonly unknown[] = [], options: CallOptions = {}): Promise<Result<R>> {
    const reply = await this.runQuery({ kind: 'query', id: nextTaskId++, sql, paramSets: [], results: 'batches', types: this.typeState.wire }, options, [checkParams(params)]);
    return this.resultOf<R>(reply, options.rowMode ?? this.options.rowMode);
  }

  /**
   * All rows as plain objects (or arrays with rowMode 'array'). A large result's full batches
   * arrive ahead of its end, and their rows are built while the worker decodes the next.
   */
  async fetch<R = Row>(sql: string, params: readonly unknown[] = [], options: CallOptions = {}): Promise<R[]> {
    const rowMode = options.rowMode ?? this.options.rowMode;
    const collector = new RowCollector<R>();
    const task: QueryTask = { kind: 'query', id: nextTaskId++, sql, paramSets: [], results: 'batches', types: this.typeState.wire, early: true };
    const paramSets = [checkParams(params)];
    this.earlyBatchHandlers.set(task.id, (columns, batch) => collector.add(new RecordBatch<R>(batch, this.schemaOf(columns, rowMode))));
    try {
      const reply = await this.runQuery(task, options, paramSets);
      const result = this.resultOf<R>(reply, rowMode);
      // A result that fit in one batch (most) is built here, without waiting a turn.
      if (collector.empty) return result.rows;
      for (const batch of result.batches) collector.add(batch);
      return await collector.finish();
    } finally {
      this.earlyBatchHandlers.delete(task.id);
    }
  }

  /** The first row, or null when there is none. */
  async fetchrow<R = Row>(sql: string, params: readonly unknown[] = [], options: CallOptions = {}): Promise<R | null> {
    return (await this.query<R>(sql, params, options)).firstRow();
  }

  /** One value of the first row: column by index (default 0) or name; null when there is no row. */
  async fetchval<V = unknown>(sql: string, params: readonly unknown[] = [], column: number | string = 0, options: CallOptions = {}): Promise<V | null> {
    return (await this.query(sql, params, options)).firstValue<V>(column);
  }

  /**
   * Run a command and return its status tag. Without parameters the simple protocol is used, so
   * `sql` may hold several statements.
   */
  async execute(sql: string, params: readonly unknown[] = [], options: CallOptions = {}): Promise<string> {
    checkParams(params);
    const simple = params.length === 0;
    const reply = await this.runQuery({ kind: 'query', id: nextTaskId++, sql, paramSets: [], results: 'none', simple, types: this.typeState.wire }, options, simple ? [] : [params]);
    return reply.command;
  }

  /** Run one statement once per parameter array, pipelined and atomic, on one connection. */
  async executemany(sql: string, paramRows: readonly (readonly unknown[])[], options: CallOptions = {}): Promise<void> {
    if (!Array.isArray(paramRows)) throw new InterfaceError('executemany takes an array of parameter arrays');
    if (paramRows.length === 0) return;
    await this.runQuery({ kind: 'query', id: nextTaskId++, sql, paramSets: [], results: 'none', types: this.typeState.wire }, options, paramRows.map((row) => checkParams(row)));
  }

  /**
   * Stream a result as batches with backpressure: the worker stops reading from the server while
   * `highWaterMark` batches wait for the consumer. Breaking out of the loop cancels the query.
   */
  stream<R = Row>(sql: string, params: readonly unknown[] = [], options: StreamOptions = {}): AsyncIterable<RecordBatch<R>> {
    checkParams(params);
    const highWaterMark = options.highWaterMark ?? 2;
    if (!Number.isInteger(highWaterMark) || highWaterMark < 1) throw new InterfaceError(`highWaterMark must be a positive integer, got ${String(highWaterMark)}`);
    const rowMode = options.rowMode ?? this.options.rowMode;
    const open = (): AsyncIterable<RecordBatch<R>> => ({
      [Symbol.asyncIterator]: () => {
        const { port1, port2 } = new MessageChannel();
        const encoded = this.encoder.apply(sql, [params])[0];
        const task: StreamTask = { kind: 'stream', id: nextTaskId++, sql, params: packParams(encoded), port: port2, highWaterMark, types: this.typeState.wire };
        const started = this.dispatch(task, options, [port2]);
        return new BatchStream<R>(port1, started, (columns) => this.schemaOf(columns, rowMode), this.options.onNotice)[Symbol.asyncIterator]();
      },
    });
    const encoder = this.encoder;
    return {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          let yielded = false;
          try {
            for await (const batch of open()) {
              yielded = true;
              yield batch;
            }
            return;
          } catch (error) {
            // A parameter to encode on this thread: nothing ran yet, so start again.
            if (!yielded && encoder.learn(sql, error)) continue;
            throw error;
          }
        }
      },
    };
  }

  /**
   * Pin a connection in one worker for a series of calls (transactions, cursors, LISTEN, session
   * state). Give it back with release(); it is reset first (ROLLBACK, RESET ALL, UNLISTEN *, …).
   */
  async acquire(options: Pick<CallOptions, 'signal' | 'timeout'> = {}): Promise<PooledConnection> {
    const { port1, port2 } = new MessageChannel();
    const task: SessionTask = { kind: 'session', id: nextTaskId++, port: port2 };
    let ended!: Promise<unknown>;
    const admitted = new Promise<void>((resolveAdmitted, rejectAdmitted) => {
      ended = this.dispatch(task, options, [port2], () => resolveAdmitted(), true).catch((error: Error) => {
        rejectAdmitted(error);
        throw error;
      });
    });
    ended.catch(() => undefined);
    await admitted;
    const remote = wrap<SessionApi>(port1 as unknown as Endpoint);
    const opened = await Promise.race([remote.open(), ended.then(() => undefined)]);
    if (opened === undefined || !opened.ok) {
      port1.close();
      throw opened === undefined ? new InterfaceError('the pinned session ended before it opened') : deserializeError(opened.error);
    }
    const connection = new PooledConnection(remote, port1, opened, {
      toResult: (reply, rowMode) => this.resultOf(reply, rowMode),
      ended,
      resetHook: this.options.resetHook,
      rowMode: this.options.rowMode,
      onNotice: this.options.onNotice,
      wireTypes: () => this.typeState.wire,
      encoder: this.encoder,
    });
    if (this.options.setupHook !== undefined) {
      try {
        await this.options.setupHook(connection);
      } catch (error) {
        await connection.release().catch(() => undefined);
        throw error;
      }
    }
    return connection;
  }

  /** Run `fn` with a pinned connection, released afterwards whatever happens. */
  async withConnection<T>(fn: (connection: PooledConnection) => Promise<T>, options: Pick<CallOptions, 'signal' | 'timeout'> = {}): Promise<T> {
    const connection = await this.acquire(options);
    try {
      return await fn(connection);
    } finally {
      await connection.release();
    }
  }

  /** Run `fn` in a transaction on a pinned connection: COMMIT when it returns, ROLLBACK when it throws. */
  transaction<T>(fn: (connection: PooledConnection) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return this.withConnection((connection) => connection.transaction(() => fn(connection), options));
  }

  /** Iterate a large result row by row through a server-side cursor, in a transaction of its own. */
  cursor<R = Row>(sql: string, params: readonly unknown[] = [], options: PinnedCursorOptions = {}): AsyncIterable<R> {
    const pool = this;
    return {
      async *[Symbol.asyncIterator]() {
        const connection = await pool.acquire();
        try {
          await connection.execute('BEGIN');
          yield* connection.cursor<R>(sql, params, options);
          await connection.execute('COMMIT');
        } finally {
          await connection.release();
        }
      },
    };
  }

  /**
   * LISTEN on `channel` on the pool's listening connection (pinned on first use); `handler` gets
   * each NOTIFY. Resolves once the LISTEN is in effect.
   */
  async listen(channel: string, handler: (notification: Notification) => void): Promise<void> {
    this.listener ??= this.acquire();
    const listener = await this.listener;
    await listener.listen(channel, handler);
  }

  /** Stop `handler` (or all handlers) for `channel`; the listening connection goes back when no channel is left. */
  async unlisten(channel: string, handler?: (notification: Notification) => void): Promise<void> {
    if (this.listener === undefined) return;
    const listener = await this.listener;
    await listener.unlisten(channel, handler);
    if (listener.listeningChannels === 0) {
      this.listener = undefined;
      await listener.release();
    }
  }

  /**
   * Forget the introspected types, here and in every worker (before its next task), as
   * Connection.reloadSchemaState does: call it after ALTER TYPE. Custom codecs stay.
   */
  async reloadSchemaState(): Promise<void> {
    this.typeState.reload();
  }

  /**
   * A custom codec for `typeName`, as Connection.setTypeCodec. Functions cannot reach the worker
   * threads, so both directions run on this thread: results are decoded here (workers request the
   * type in the codec's format) and parameters of the type are encoded here (see ParamEncoder).
   */
  async setTypeCodec<T>(typeName: string, spec: TypeCodecSpec<T>): Promise<void> {
    await this.typeState.setTypeCodec(typeName, spec);
  }

  /** Exchange `typeName` with a built-in codec, both ways (see Connection.setBuiltinTypeCodec). */
  async setBuiltinTypeCodec(typeName: string, options: BuiltinCodecOptions): Promise<void> {
    await this.typeState.setBuiltinTypeCodec(typeName, options);
  }

  /** Undo setTypeCodec / setBuiltinTypeCodec for `typeName`. */
  async resetTypeCodec(typeName: string, options: { schema?: string } = {}): Promise<void> {
    await this.typeState.resetTypeCodec(typeName, options.schema);
  }

  async stats(): Promise<PoolStats> {
    return {
      workers: this.piscina.threads.length,
      busy: this.admission.busy,
      queued: this.admission.waiting,
      capacity: this.options.workers * this.options.worker.connectionsPerWorker,
      connections: await this.countConnections(),
      completed: this.completedTasks,
      waitTime: summarise(this.admission.waitTime, 1e6),
      runTime: summarise(this.runTime, 1e6),
    };
  }

  /** Stop taking calls, let running ones finish (up to `timeout` ms, default 30 s), close every connection. */
  close(timeout = 30_000): Promise<void> {
    this.closing ??= (async () => {
      this.admission.failAll(new InterfaceError('the pool is closing'));
      const drained = Promise.allSettled([...this.running]);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([drained, new Promise((resolve) => (timer = setTimeout(resolve, timeout)))]);
      clearTimeout(timer);
      await this.closeConnections(Math.min(5_000, timeout));
      this.control.close();
      this.direct.close();
      await this.piscina.destroy();
    })();
    return this.closing;
  }

  /** Close at once: running calls fail, connections are cut. */
  async terminate(): Promise<void> {
    this.closing ??= (async () => {
      this.admission.failAll(new InterfaceError('the pool was terminated'));
      this.control.close();
      this.direct.close();
      await this.piscina.destroy();
    })();
    return this.closing;
  }

  /** Ask every worker for its connection counts (answers within 500 ms are counted). */
  private async countConnections(): Promise<{ open: number; idle: number }> {
    if (this.closing) return { open: 0, idle: 0 };
    const requestId = nextTaskId++;
    const total = { open: 0, idle: 0 };
    await this.askWorkers({ type: 'count-connections', requestId }, 500, (message) => {
      if (message.type !== 'connections' || message.requestId !== requestId) return false;
      total.open += message.open;
      total.idle += message.idle;
      return true;
    });
    return total;
  }

  private closeConnections(timeout: number): Promise<void> {
    // Each worker closes its connections (Terminate, so the server logs no lost client) and says so.
    return this.askWorkers({ type: 'close' }, timeout, (message) => message.type === 'closed');
  }

  /**
   * Broadcast `request` to the workers; resolves once each has answered (`take` returns true for
   * an answer) or after `timeout` ms.
   */
  private askWorkers(request: ControlMessage, timeout: number, take: (message: ControlMessage) => boolean): Promise<void> {
    return new Promise((resolve) => {
      let pending = this.piscina.threads.length;
      if (pending === 0) return resolve();
      const listener = new BroadcastChannel(this.options.worker.controlChannel);
      const done = () => {
        clearTimeout(timer);
        listener.close();
        resolve();
      };
      const timer = setTimeout(done, timeout);
      listener.onmessage = (event) => {
        if (take((event as { data: ControlMessage }).data) && --pending <= 0) done();
      };
      this.control.postMessage(request);
    });
  }

  /** Run a one-shot query; parameters of custom-encoded types are encoded here (see ParamEncoder). */
  private async runQuery(task: QueryTask, options: CallOptions, paramSets: readonly (readonly unknown[])[]): Promise<Extract<QueryReply, { ok: true }>> {
    for (;;) {
      task.paramSets = this.encoder.apply(task.sql, paramSets).map(packParams);
      const reply = (await this.dispatch(task, options)) as QueryReply;
      if (!reply.ok) {
        const error = deserializeError(reply.error);
        // Nothing reached the server: send it again with that parameter encoded here.
        if (this.encoder.learn(task.sql, error)) continue;
        throw error;
      }
      if (this.options.onNotice) for (const notice of reply.notices) this.options.onNotice(notice);
      return reply;
    }
  }

  /** Queue a task for a free slot, run it in a worker, and honour abort and timeout throughout. */
  private dispatch(
    task: Exclude<WorkerTask, AttachTask>,
    options: Pick<CallOptions, 'signal' | 'timeout'>,
    transferList: readonly TransferListItem[] = [],
    onAdmitted?: () => void,
    /** A pinned session: signal and timeout cover only waiting for a slot, not its whole life. */
    pinned = false,
  ): Promise<unknown> {
    if (this.closing) return Promise.reject(new InterfaceError('the pool is closed: create a new one'));
    const { signal, timeout } = options;
    if (timeout !== undefined && (!Number.isFinite(timeout) || timeout <= 0)) return Promise.reject(new InterfaceError(`timeout must be a positive number of ms, got ${String(timeout)}`));
    if (signal?.aborted) return Promise.reject(new QueryAbortedError('the query was aborted before it started'));
    const deadline = timeout === undefined ? undefined : Date.now() + timeout;
    const outcome = (async () => {
      await this.admission.acquire(
        signal,
        minDefined(this.options.acquireTimeout, timeout),
        () => (timeout !== undefined && (this.options.acquireTimeout === undefined || timeout <= this.options.acquireTimeout)
          ? new QueryTimeoutError(`the query timed out after ${timeout} ms waiting for a free connection`)
          : new PoolTimeoutError(`no connection became free within acquireTimeout (${this.options.acquireTimeout} ms): raise it, or add workers or connectionsPerWorker`)),
        () => new QueryAbortedError('the query was aborted while waiting for a free connection'),
      );
      onAdmitted?.();
      try {
        return await this.runInWorker(task, pinned ? undefined : signal, pinned ? undefined : deadline, transferList);
      } finally {
        this.admission.release();
        this.completedTasks++;
      }
    })();
    this.running.add(outcome);
    void outcome.then(() => this.running.delete(outcome), () => this.running.delete(outcome));
    return outcome;
  }

  private runInWorker(task: Exclude<WorkerTask, AttachTask>, signal: AbortSignal | undefined, deadline: number | undefined, transferList: readonly TransferListItem[]): Promise<unknown> {
    const started = process.hrtime.bigint();
    return new Promise((resolve, reject) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = () => {
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const giveUp = (reason: 'abort' | 'timeout') => {
        if (settled) return;
        finish();
        // The worker cancels the query on the server and drains the connection; we do not wait.
        this.control.postMessage({ type: 'cancel', taskId: task.id, reason } satisfies ControlMessage);
        reject(reason === 'timeout' ? new QueryTimeoutError('the query ran past its timeout and was cancelled') : new QueryAbortedError('the query was aborted and cancelled on the server'));
      };
      const onAbort = () => giveUp('abort');
      signal?.addEventListener('abort', onAbort, { once: true });
      if (deadline !== undefined) timer = setTimeout(() => giveUp('timeout'), Math.max(0, deadline - Date.now()));
      // One-shot queries take the workers' direct channels; long tasks are piscina tasks.
      const running = task.kind === 'query' ? this.direct.run(task) : this.piscina.run(task, { transferList: transferList as never });
      running.then(
        (reply) => {
          this.runTime.record(Math.max(1, Number(process.hrtime.bigint() - started)));
          if (settled) return;
          finish();
          resolve(reply);
        },
        (error: unknown) => {
          if (settled) return;
          finish();
          if (error instanceof WorkerCrashedError) return reject(error);
          reject(workerCrashed(error));
        },
      );
    });
  }

  private resultOf<R>(reply: Pick<Extract<QueryReply, { ok: true }>, 'columns' | 'batches' | 'command' | 'rowCount'>, rowMode: 'object' | 'array'): Result<R> {
    const schema = this.schemaOf(reply.columns, rowMode);
    const batches = reply.batches.map((batch) => new RecordBatch<R>(batch, schema));
    return new Result<R>(reply.command, reply.rowCount, schema.columns, batches, reply.columns.map((c) => c.format), schema);
  }

  private async lookupType(typeName: string, schema: string | undefined): Promise<{ oid: number; types: TypeDescription[] }> {
    const reply = (await this.dispatch({ kind: 'lookup-type', id: nextTaskId++, typeName, schema, types: this.typeState.wire }, {})) as TypeLookupReply;
    if (!reply.ok) throw deserializeError(reply.error);
    return reply;
  }

  /** The decoding plan for a result's columns, cached by their shape: small queries repeat. */
  private schemaOf(columns: readonly ColumnInfo[], rowMode: 'object' | 'array'): ResultSchema {
    this.typeState.learnFrom(columns);
    // The catalog's generation changes whenever a column could decode differently.
    let key = `${this.typeState.catalog.generation}|${rowMode}`;
    for (const c of columns) key += `|${c.name}\u0000${c.typeOid}:${c.format}:${c.tableOid}:${c.columnAttr}:${c.typeModifier}`;
    let schema = this.schemas.get(key);
    if (schema === undefined) {
      if (this.schemas.size >= 256) this.schemas.clear();
      schema = this.buildSchema(columns, rowMode);
      this.schemas.set(key, schema);
    }
    return schema;
  }

  private buildSchema(columns: readonly ColumnInfo[], rowMode: 'object' | 'array'): ResultSchema {
    const codecs = this.typeState.codecsOf(columns);
    const described: Column[] = columns.map((c) => ({
      name: c.name,
      typeOid: c.typeOid,
      typeName: this.typeState.catalog.nameOf(c.typeOid),
      tableOid: c.tableOid,
      columnAttr: c.columnAttr,
      typeModifier: c.typeModifier,
    }));
    return {
      columns: described,
      codecs,
      directInt64: (this.types.int8 ?? 'bigint') === 'bigint',
      rowMode,
    };
  }
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/** Create a pool of worker threads, each owning up to `connectionsPerWorker` connections. */
export function createPool(dsnOrOptions?: string | PoolOptions, options: PoolOptions = {}): Pool {
  return new Pool(resolvePoolOptions(dsnOrOptions, options));
}
