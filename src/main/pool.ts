// createPool(): worker threads, each owning several connections, decode results into columnar
// batches that arrive here without a copy. This file is the public API; the machinery (the one
// queue, the threads, the life of a call) is under ./threads.

import { inspect } from 'node:util';
import { InterfaceError, QueryAbortedError } from '../codec/errors/client-errors.js';
import type { TypeCodecSpec } from '../codec/types/introspected/custom.js';
import { packParams, type QueryCall, type QuerySuccess, type StreamCall } from '../worker/pool/contract.js';
import { BatchStream } from './batch-stream.js';
import type { BuiltinCodecOptions } from './connection.js';
import { resolveConnectArgs, resolvePoolOptions, type PoolOptions } from './pool-options.js';
import type { PooledConnection } from './pooled-connection.js';
import { LanePooledConnection } from './threads/lane-pooled-connection.js';
import { WorkerPooledConnection } from './threads/worker-pooled-connection.js';
import { nameQuery, Queryable, type CallOptions, type Row, type RunOutcome, type RunRequest } from './queryable.js';
import { partitionedQuery, partitionedStream, type PartitionHost, type PartitionOptions } from './partitioned-query.js';
import type { CursorOptions } from './cursor.js';
import type { LogListener, NotificationListener } from './session.js';
import type { PostgresErrorFields } from '../codec/errors/postgres-error.js';
import { Transaction } from './transaction-runner.js';
import { poolStats, type PoolStats } from './pool-stats.js';
import type { RecordBatch } from './record-batch.js';
import type { Result } from './result.js';
export type { PartitionOptions } from './partitioned-query.js';
import { RowCollector } from './row-collector.js';
import { checkGuardOptions, timeLeft } from './threads/call-guard.js';
import { PoolCore, type SessionLease } from './threads/pool-core.js';
import { rowsOfReply } from './threads/main-thread-lane.js';
import { checkParamSets } from './threads/sendable.js';
import { beginStatement, type TransactionOptions } from './transaction-options.js';
import * as copy from './copy/copy-methods.js';
import { poolCopyTarget } from './copy/pool-target.js';
import type { CopyColumnsOptions, CopyFromQueryOptions, CopyFromTableOptions, CopyRecordsOptions, CopyToTableOptions } from './copy/copy-options.js';

export type { PoolStats, HistogramSummary, ConnectionStates } from './pool-stats.js';

export type { CallOptions } from './queryable.js';

export interface StreamOptions extends CallOptions {
  /** Batches the worker may send ahead of the consumer before it stops reading (default 2). */
  highWaterMark?: number;
}

/** pool.fetch() asks for batches this small, so that rows are built in short slices. */
const ROWS_BATCH = { rows: 4096, bytes: 512 * 1024 };

/** A call's options and parameters, checked before anything is queued: a bad one fails its call alone. */
function checkCall(params: readonly unknown[], options: CallOptions): void {
  checkGuardOptions(options);
  checkParamSets([params]);
}

export class Pool extends Queryable {
  // Private fields are not enumerable: inspect and JSON.stringify never reach the options.
  readonly #core: PoolCore;
  #closing: Promise<void> | undefined;
  #listener: Promise<PooledConnection> | undefined;
  readonly #logListeners = new Set<LogListener<Pool>>();

  /** @internal Use createPool(). */
  constructor(options: ReturnType<typeof resolvePoolOptions>) {
    super();
    this.#core = new PoolCore(options, (notice) => this.#deliverNotice(notice));
  }

  protected get defaultRowMode(): 'object' | 'array' {
    return this.#core.options.rowMode;
  }

  /**
   * Run a query; rows arrive as columnar batches (see Result). With `partitionOn`, the query is
   * split into `partitions` range queries on that column, run at once on as many connections
   * (one snapshot, by default) and joined in range order (see docs/partitioned-fetch.md).
   */
  override async query<R = Row>(sql: string, params: readonly unknown[] = [], options: CallOptions & Partial<PartitionOptions> = {}): Promise<Result<R>> {
    if (options.partitionOn === undefined) return super.query<R>(sql, params, options);
    checkParamSets([params]);
    try {
      return await partitionedQuery<R>(this.#partitionHost(), sql, params, { ...options, partitionOn: options.partitionOn });
    } catch (error) {
      nameQuery(error, sql);
      throw error;
    }
  }

  /** The options of a call, with the pool's commandTimeout when the call names no timeout. */
  #withDefaults<O extends CallOptions>(options: O): O {
    const commandTimeout = this.#core.options.commandTimeout;
    return commandTimeout === undefined || options.timeout !== undefined ? options : { ...options, timeout: commandTimeout };
  }

  protected async run<R>(request: RunRequest, options: CallOptions): Promise<RunOutcome<R>> {
    checkParamSets(request.paramSets);
    let callOptions = this.#withDefaults(options);
    const core = this.#core;
    if (core.runsOnMainThread(request)) {
      const startedAt = Date.now();
      // Counted as track() would, without a promise reaction of its own: this is every one-row call.
      core.callStarted();
      let outcome: RunOutcome<R> | undefined;
      try {
        outcome = await core.lane.run<R>(request, callOptions);
      } finally {
        core.callEnded();
      }
      if (outcome !== undefined) return outcome;
      // Its wait for a main-thread connection stalled: a worker runs it, in the time left.
      callOptions = timeLeft(callOptions, startedAt);
    }
    const schemas = core.schemas;
    switch (request.want) {
      case 'none': {
        const reply = await this.#runQuery(request.sql, request.paramSets, callOptions, 'none', undefined, request.simple);
        return { command: reply.command, rowCount: reply.rowCount, columns: [] };
      }
      case 'result':
      case 'first': {
        const result = schemas.resultOf<R>(await this.#runQuery(request.sql, request.paramSets, callOptions, 'batches'), request.rowMode);
        if (request.want === 'result') return { command: result.command, rowCount: result.rowCount, columns: result.columns, result };
        const first = result.firstRow();
        return { command: result.command, rowCount: result.rowCount, columns: result.columns, rows: first === null ? [] : [first] };
      }
      case 'rows':
        return this.#fetchRows<R>(request, callOptions);
    }
  }

  /**
   * All rows as plain objects (or arrays). The worker sends the result in small batches as they
   * fill, and their rows are built in slices that yield to the event loop.
   */
  async #fetchRows<R>(request: RunRequest, options: CallOptions): Promise<RunOutcome<R>> {
    const { rowMode } = request;
    const schemas = this.#core.schemas;
    // Made only for a result large enough to arrive in batches ahead of its reply (few are).
    let collector: RowCollector<R> | undefined;
    const reply = await this.#runQuery(request.sql, request.paramSets, options, 'batches', (columns, batch) => {
      collector ??= new RowCollector<R>();
      collector.add(schemas.resultOf<R>({ columns, batches: [batch], command: '', rowCount: null }, rowMode).batches[0]);
    });
    const result = schemas.resultOf<R>(reply, rowMode);
    const outcome = { command: result.command, rowCount: result.rowCount, columns: result.columns };
    // A result that came whole with its reply and is small (most) is built here, without waiting a turn.
    if (collector === undefined && result.numRows <= ROWS_BATCH.rows) return { ...outcome, rows: result.rows };
    collector ??= new RowCollector<R>();
    for (const batch of result.batches) collector.add(batch);
    return { ...outcome, rows: await collector.finish() };
  }

  /**
   * Stream a result as batches with backpressure: the worker stops reading from the server while
   * `highWaterMark` batches wait for the consumer. Breaking out of the loop cancels the query.
   */
  stream<R = Row>(sql: string, params: readonly unknown[] = [], options: StreamOptions & Partial<PartitionOptions> = {}): AsyncIterable<RecordBatch<R>> {
    checkCall(params, options);
    if (options.partitionOn !== undefined) return this.#partitionedStream<R>(sql, params, { ...options, partitionOn: options.partitionOn });
    const highWaterMark = options.highWaterMark ?? 2;
    if (!Number.isInteger(highWaterMark) || highWaterMark < 1) throw new InterfaceError(`highWaterMark must be a positive integer, got ${String(highWaterMark)}`);
    const core = this.#core;
    const rowMode = options.rowMode ?? core.options.rowMode;
    const open = (): BatchStream<R> => {
      const stream = new BatchStream<R>((columns) => core.schemas.schemaOf(columns, rowMode));
      const encoded = core.encoder.apply(sql, [params])[0];
      const build = (id: number): StreamCall => ({ type: 'stream', id, sql, params: packParams(encoded), highWaterMark, types: core.typeState.wire });
      core.stream(build, options, stream as BatchStream<unknown>);
      return stream;
    };
    return {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          let yielded = false;
          const stream = open();
          try {
            for (let next = await stream.next(); !next.done; next = await stream.next()) {
              yielded = true;
              yield next.value;
            }
            return;
          } catch (error) {
            // A parameter to encode on this thread: nothing ran yet, so start again.
            if (!yielded && core.encoder.learn(sql, error)) continue;
            throw error;
          } finally {
            await stream.return();
          }
        }
      },
    };
  }

  #partitionHost(): PartitionHost {
    const { workers, worker } = this.#core.options;
    const capacity = workers * worker.connectionsPerWorker;
    return {
      acquire: (callOptions) => this.#acquireOnWorker(callOptions),
      acquireIfFree: async (callOptions) => {
        const lease = await this.#core.openSessionIfFree(callOptions);
        return lease === undefined ? undefined : this.#workerSession(lease);
      },
      capacity,
      defaultPartitions: Math.min(capacity, workers * 2),
    };
  }

  #partitionedStream<R>(sql: string, params: readonly unknown[], options: StreamOptions & PartitionOptions): AsyncIterable<RecordBatch<R>> {
    const { highWaterMark: _h, ...partitionOptions } = options;
    const host = this.#partitionHost();
    const batchRows = this.#core.options.worker.batchRows;
    return { [Symbol.asyncIterator]: () => partitionedStream<R>(host, sql, params, { ...partitionOptions, batchRows }) };
  }

  /**
   * Pin a connection for a series of calls (transactions, cursors, LISTEN, session state). Give it
   * back with release(); it is reset first (ROLLBACK, RESET ALL, UNLISTEN *, …). `signal` and
   * `timeout` cover waiting for the connection (and its opening), not the session's life.
   */
  async acquire(options: Pick<CallOptions, 'signal' | 'timeout'> = {}): Promise<PooledConnection> {
    return this.#acquire(options);
  }

  /**
   * A pinned connection: a free main-thread connection when there is one (no thread hop per call),
   * else a worker's. Sessions that fetch large results (pool.cursor, partitioned queries) or hold
   * their connection for long (pool.listen) take a worker's: #acquireOnWorker.
   */
  async #acquire(options: Pick<CallOptions, 'signal' | 'timeout'>, begin?: string): Promise<PooledConnection> {
    checkGuardOptions(options);
    const core = this.#core;
    const { worker } = core.options;
    const startedAt = Date.now();
    const onMainThread = core.pinOnMainThread(options, worker.setup, begin);
    if (onMainThread === undefined) return this.#acquireOnWorker(options, begin);
    const pinned = await onMainThread;
    if (pinned === undefined) return this.#acquireOnWorker(timeLeft(options, startedAt), begin);
    return this.#setUp(new LanePooledConnection({ pinned, rowMode: core.options.rowMode, resetHook: core.options.resetHook, resetSql: worker.reset }));
  }

  async #acquireOnWorker(options: Pick<CallOptions, 'signal' | 'timeout'>, begin?: string): Promise<WorkerPooledConnection> {
    checkGuardOptions(options);
    return this.#workerSession(await this.#core.openSession(options, begin));
  }

  /** A worker's session as a PooledConnection, set up by the pool's setup hook. */
  #workerSession(lease: SessionLease): Promise<WorkerPooledConnection> {
    const core = this.#core;
    return this.#setUp(new WorkerPooledConnection({
      lease,
      toResult: (reply, rowMode) => core.schemas.resultOf(reply, rowMode),
      resetHook: core.options.resetHook,
      rowMode: core.options.rowMode,
      onNotice: core.options.onNotice,
      wireTypes: () => core.typeState.wire,
      encoder: core.encoder,
      nextCallId: () => core.nextId(),
      commandTimeout: core.options.commandTimeout,
    }));
  }

  /** The pool's setup function, run on each connection handed out (released again if it throws). */
  async #setUp<C extends PooledConnection>(connection: C): Promise<C> {
    const setupHook = this.#core.options.setupHook;
    if (setupHook === undefined) return connection;
    try {
      await setupHook(connection);
    } catch (error) {
      await connection.release().catch(() => undefined);
      throw error;
    }
    return connection;
  }

  /** Run `fn` with a pinned connection, released afterwards whatever happens. */
  async withConnection<T>(fn: (connection: PooledConnection) => Promise<T>, options: Pick<CallOptions, 'signal' | 'timeout'> = {}): Promise<T> {
    return this.#withConnection(fn, options);
  }

  async #withConnection<T>(fn: (connection: PooledConnection) => Promise<T>, options: Pick<CallOptions, 'signal' | 'timeout'>, begin?: string): Promise<T> {
    const connection = await this.#acquire(options, begin);
    try {
      // An abort that came while the connection was handed over stops the work before it starts.
      if (options.signal?.aborted) throw new QueryAbortedError('aborted before the callback started: the connection was released unused');
      return await fn(connection);
    } finally {
      await connection.release();
    }
  }

  /**
   * With a callback: run `fn` in a transaction on a pinned connection, COMMIT when it returns,
   * ROLLBACK when it throws. Without one: a PoolTransaction — start() pins a connection and
   * begins, `connection` runs the statements, commit() or rollback() ends it and releases.
   */
  transaction<T>(fn: (connection: PooledConnection) => Promise<T>, options?: TransactionOptions): Promise<T>;
  transaction(options?: TransactionOptions): PoolTransaction;
  transaction<T>(fnOrOptions?: ((connection: PooledConnection) => Promise<T>) | TransactionOptions, options?: TransactionOptions): Promise<T> | PoolTransaction {
    if (typeof fnOrOptions !== 'function') return new PoolTransaction(() => this.acquire(), fnOrOptions);
    const fn = fnOrOptions;
    // BEGIN goes with the connection's opening (one round trip fewer) unless a setup function
    // must run first, outside the transaction.
    if (this.#core.options.setupHook !== undefined) return this.withConnection((connection) => connection.transaction(() => fn(connection), options));
    return this.#withConnection((connection) => connection.continueTransaction(() => fn(connection)), {}, beginStatement(options));
  }

  /** Iterate a large result row by row through a server-side cursor, in a transaction of its own. */
  cursor<R = Row>(sql: string, params: readonly unknown[] = [], options: CursorOptions = {}): AsyncIterable<R> {
    checkParamSets([params]);
    const pool = this;
    return {
      async *[Symbol.asyncIterator]() {
        const connection = await pool.#acquireOnWorker({});
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
  async listen(channel: string, handler: NotificationListener<PooledConnection>): Promise<void> {
    this.#listener ??= this.#acquireOnWorker({});
    this.#listener.catch(() => (this.#listener = undefined));
    const listener = await this.#listener;
    await listener.listen(channel, handler);
  }

  /** Stop `handler` (or all handlers) for `channel`; the listening connection goes back when no channel is left. */
  async unlisten(channel: string, handler?: NotificationListener<PooledConnection>): Promise<void> {
    if (this.#listener === undefined) return;
    const listener = await this.#listener;
    await listener.unlisten(channel, handler);
    if (listener.listeningChannels === 0) {
      this.#listener = undefined;
      await listener.release();
    }
  }

  /** The same as listen (asyncpg's name). */
  addListener(channel: string, handler: NotificationListener<PooledConnection>): Promise<void> {
    return this.listen(channel, handler);
  }

  /** The same as unlisten (asyncpg's name). */
  removeListener(channel: string, handler?: NotificationListener<PooledConnection>): Promise<void> {
    return this.unlisten(channel, handler);
  }

  /** `listener` gets each notice of the pool's one-shot calls and streams (pinned connections have their own). */
  addLogListener(listener: LogListener<Pool>): void {
    if (typeof listener !== 'function') throw new InterfaceError('addLogListener(listener): the listener must be a function');
    this.#logListeners.add(listener);
  }

  removeLogListener(listener: LogListener<Pool>): void {
    this.#logListeners.delete(listener);
  }

  #deliverNotice(notice: PostgresErrorFields): void {
    this.#core.options.onNotice?.(notice);
    for (const listener of this.#logListeners) {
      try {
        listener(notice, this);
      } catch (error) {
        process.emitWarning(`a pgloom log listener threw: ${error instanceof Error ? error.message : String(error)}`, 'PgloomWarning');
      }
    }
  }

  /**
   * Replace every connection: idle ones are closed now, those in use when their call or session
   * ends; later calls open new ones (asyncpg's expire_connections), e.g. after changing a setting
   * that connections read once.
   */
  async expireConnections(): Promise<void> {
    await Promise.all([this.#core.lane.expire(), this.#core.threads.onEveryWorker((control) => control.expireConnections())]);
  }

  /**
   * Open new connections with these connection options from now on (asyncpg's
   * set_connect_args): a DSN and/or options, as createPool takes them (pool-only options such as
   * workers are not accepted). Open connections stay until they retire: call expireConnections()
   * to replace them now.
   */
  async setConnectArgs(dsnOrOptions?: string | PoolOptions, options: PoolOptions = {}): Promise<void> {
    const { connection, target } = resolveConnectArgs(dsnOrOptions, options);
    const core = this.#core;
    core.options.worker.connection = connection;
    core.options.target = target;
    await core.threads.onEveryWorker((control) => control.setConnection(connection));
  }

  /**
   * Forget the introspected types, here and in every worker (before its next call), as
   * Connection.reloadSchemaState does: call it after ALTER TYPE. Custom codecs stay.
   */
  async reloadSchemaState(): Promise<void> {
    this.#core.typeState.reload();
    await this.#core.lane.reloadSchemaState();
  }

  /**
   * A custom codec for `typeName`, as Connection.setTypeCodec. Functions cannot reach the worker
   * threads, so both directions run on this thread: results are decoded here (workers request the
   * type in the codec's format) and parameters of the type are encoded here (see ParamEncoder).
   */
  async setTypeCodec<T>(typeName: string, spec: TypeCodecSpec<T>): Promise<void> {
    await this.#core.typeState.setTypeCodec(typeName, spec);
  }

  /** Exchange `typeName` with a built-in codec, both ways (see Connection.setBuiltinTypeCodec). */
  async setBuiltinTypeCodec(typeName: string, options: BuiltinCodecOptions): Promise<void> {
    await this.#core.typeState.setBuiltinTypeCodec(typeName, options);
  }

  /** Undo setTypeCodec / setBuiltinTypeCodec for `typeName`. */
  async resetTypeCodec(typeName: string, options: { schema?: string } = {}): Promise<void> {
    await this.#core.typeState.resetTypeCodec(typeName, options.schema);
  }

  /** Counts and timings, from this thread's own books (no round trip to the workers). */
  async stats(): Promise<PoolStats> {
    return poolStats(this.#core);
  }

  /** True once close() or terminate() was called. */
  isClosing(): boolean {
    return this.#closing !== undefined;
  }

  /** Stop taking calls, let running ones finish (up to `timeout` ms, default 30 s), close every connection. */
  close(timeout = 30_000): Promise<void> {
    this.#closing ??= (async () => {
      const core = this.#core;
      core.refuseCalls(new InterfaceError('the pool is closing'));
      // The listening connection is the pool's own: released now, not waited for as a caller's session.
      const listener = this.#listener;
      this.#listener = undefined;
      await listener?.then((connection) => connection.release()).catch(() => undefined);
      await core.drained(timeout);
      await Promise.all([core.lane.close(), core.threads.closeConnections(Math.min(5_000, timeout))]);
      await core.threads.stop(new InterfaceError('the pool was closed while this call ran'));
    })();
    return this.#closing;
  }

  /** Close at once: running calls fail, connections are cut. */
  terminate(): Promise<void> {
    this.#closing ??= (async () => {
      const core = this.#core;
      core.refuseCalls(new InterfaceError('the pool was terminated'));
      core.lane.terminate();
      await core.threads.stop(new InterfaceError('the pool was terminated while this call ran'));
    })();
    return this.#closing;
  }

  toJSON(): Record<string, unknown> {
    return { pool: this.#core.options.target, workers: this.#core.options.workers, closing: this.isClosing() };
  }

  [inspect.custom](): string {
    return `Pool { ${this.#core.options.target}, workers: ${this.#core.options.workers}, connectionsPerWorker: ${this.#core.options.worker.connectionsPerWorker}${this.isClosing() ? ', closing' : ''} }`;
  }

  /** @internal Tests reach the worker threads through this. */
  get internals(): PoolCore {
    return this.#core;
  }

  // COPY (docs/copy.md; the logic is in ./copy)
  /** Binary COPY of records (arrays or objects) into `table`, on a free main-thread connection or through a worker; resolves with the command tag ('COPY 1000'). */
  copyRecordsToTable(table: string, options: CopyRecordsOptions): Promise<string> { return this.#core.copyOnMainThread((c) => c.copyRecordsToTable(table, options)) ?? copy.copyRecordsToTable(this, poolCopyTarget(this, this.#core), table, options); } // COPY
  /** Binary COPY of columns (typed arrays or value arrays, a RecordBatch or Result, an Arrow table) into `table`, without building rows. */
  copyColumnsToTable(table: string, options: CopyColumnsOptions): Promise<string> { return this.#core.copyOnMainThread((c) => c.copyColumnsToTable(table, options)) ?? copy.copyColumnsToTable(this, poolCopyTarget(this, this.#core), table, options); } // COPY
  /** COPY FROM STDIN of text, CSV or binary bytes from a Readable, a file path (read by the worker), bytes or an iterable. */
  copyToTable(table: string, options: CopyToTableOptions): Promise<string> { return copy.copyToTable(poolCopyTarget(this, this.#core), table, options); } // COPY
  /** COPY `table` TO STDOUT into a Writable, a file path (written by the worker) or a function. */
  copyFromTable(table: string, options: CopyFromTableOptions): Promise<string> { return copy.copyFromTable(poolCopyTarget(this, this.#core), table, options); } // COPY
  /** COPY (`sql`) TO STDOUT into a Writable, a file path (written by the worker) or a function. */
  copyFromQuery(sql: string, params: readonly unknown[] | undefined, options: CopyFromQueryOptions): Promise<string> { return copy.copyFromQuery(poolCopyTarget(this, this.#core), sql, params, options); } // COPY

  /** Run a one-shot query; parameters of custom-encoded types are encoded here (see ParamEncoder). */
  async #runQuery(
    sql: string,
    paramSets: readonly (readonly unknown[])[],
    options: CallOptions,
    results: 'batches' | 'none',
    onBatch?: Parameters<PoolCore['query']>[2],
    simple = false,
  ): Promise<QuerySuccess> {
    const core = this.#core;
    for (;;) {
      const packed = core.encoder.apply(sql, paramSets).map(packParams);
      // Only what is set goes: every property costs to clone, on both threads.
      const build = (id: number): QueryCall => {
        const call: QueryCall = { type: 'query', id, sql, paramSets: packed, results };
        if (simple) call.simple = true;
        if (onBatch !== undefined) {
          call.early = true;
          call.batchRows = ROWS_BATCH.rows;
          call.batchBytes = ROWS_BATCH.bytes;
        }
        const types = core.typeState.wire;
        if (types !== undefined) call.types = types;
        return call;
      };
      try {
        const reply = await core.query(build, options, onBatch);
        if (paramSets.length === 1) core.lane.learn(sql, rowsOfReply(reply));
        return reply;
      } catch (error) {
        // Nothing reached the server: send it again with that parameter encoded here.
        if (core.encoder.learn(sql, error)) continue;
        throw error;
      }
    }
  }
}

/** A pool transaction without a callback: start() pins a connection and begins; commit() or rollback() ends it and releases the connection. */
export class PoolTransaction {
  #connection: PooledConnection | undefined;
  #transaction: Transaction | undefined;

  /** @internal Use pool.transaction(). */
  constructor(
    private readonly acquire: () => Promise<PooledConnection>,
    private readonly options: TransactionOptions | undefined,
  ) {
    if (options !== undefined) beginStatement(options);
  }

  /** The pinned connection the transaction runs on (after start()). */
  get connection(): PooledConnection {
    if (this.#connection === undefined) throw new InterfaceError('the transaction has no connection yet: await start() first');
    return this.#connection;
  }

  get state(): Transaction['state'] {
    return this.#transaction?.state ?? 'new';
  }

  async start(): Promise<void> {
    if (this.#connection !== undefined) throw new InterfaceError('this transaction was started already: make a new one');
    const connection = await this.acquire();
    this.#connection = connection;
    try {
      this.#transaction = connection.transaction(this.options);
      await this.#transaction.start();
    } catch (error) {
      await connection.release().catch(() => undefined);
      throw error;
    }
  }

  async commit(): Promise<void> {
    await this.#end((transaction) => transaction.commit());
  }

  async rollback(): Promise<void> {
    await this.#end((transaction) => transaction.rollback());
  }

  async #end(how: (transaction: Transaction) => Promise<void>): Promise<void> {
    const transaction = this.#transaction;
    if (transaction === undefined) throw new InterfaceError('the transaction was not started: call start() first');
    try {
      await how(transaction);
    } finally {
      await this.#connection!.release();
    }
  }
}

/** Create a pool of worker threads, each owning up to `connectionsPerWorker` connections. */
export function createPool(dsnOrOptions?: string | PoolOptions, options: PoolOptions = {}): Pool {
  return new Pool(resolvePoolOptions(dsnOrOptions, options));
}
