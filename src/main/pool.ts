// createPool(): worker threads, each owning several connections, decode results into columnar
// batches that arrive here without a copy. This file is the public API; the machinery (the one
// queue, the threads, the life of a call) is under ./threads.

import { inspect } from 'node:util';
import { InterfaceError, QueryAbortedError } from '../codec/errors/client-errors.js';
import type { TypeCodecSpec } from '../codec/types/introspected/custom.js';
import { packParams, type QueryCall, type QuerySuccess, type StreamCall } from '../worker/pool/contract.js';
import { BatchStream } from './batch-stream.js';
import { checkParams } from './check-params.js';
import type { BuiltinCodecOptions, Row } from './connection.js';
import { resolvePoolOptions, type PoolOptions } from './pool-options.js';
import { PooledConnection, type Notification, type PinnedCursorOptions } from './pooled-connection.js';
import { poolStats, type PoolStats } from './pool-stats.js';
import type { RecordBatch } from './record-batch.js';
import type { Result } from './result.js';
import { RowCollector } from './row-collector.js';
import { checkGuardOptions } from './threads/call-guard.js';
import { PoolCore } from './threads/pool-core.js';
import { checkSendable } from './threads/sendable.js';
import { beginStatement, type TransactionOptions } from './transaction-options.js';
import * as copy from './copy/copy-methods.js';
import { poolCopyTarget } from './copy/pool-target.js';
import type { CopyColumnsOptions, CopyFromQueryOptions, CopyFromTableOptions, CopyRecordsOptions, CopyToTableOptions } from './copy/copy-options.js';

export type { PoolStats, HistogramSummary, ConnectionStates } from './pool-stats.js';

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

/** pool.fetch() asks for batches this small, so that rows are built in short slices. */
const ROWS_BATCH = { rows: 4096, bytes: 512 * 1024 };

/** Check every parameter array before anything is queued: a bad one fails its call alone. */
function checkParamSets(paramSets: readonly (readonly unknown[])[]): void {
  paramSets.forEach((params, row) => {
    checkParams(params);
    checkSendable(params, paramSets.length > 1 ? row : undefined);
  });
}

function checkCall(params: readonly unknown[], options: CallOptions): void {
  checkGuardOptions(options);
  checkParamSets([params]);
}

export class Pool {
  // Private fields are not enumerable: inspect and JSON.stringify never reach the options.
  readonly #core: PoolCore;
  #closing: Promise<void> | undefined;
  #listener: Promise<PooledConnection> | undefined;

  /** @internal Use createPool(). */
  constructor(options: ReturnType<typeof resolvePoolOptions>) {
    this.#core = new PoolCore(options);
  }

  /** Run a query; rows arrive as columnar batches (see Result). */
  async query<R = Row>(sql: string, params: readonly unknown[] = [], options: CallOptions = {}): Promise<Result<R>> {
    checkCall(params, options);
    const reply = await this.#runQuery(sql, [params], options, 'batches');
    return this.#core.schemas.resultOf<R>(reply, options.rowMode ?? this.#core.options.rowMode);
  }

  /**
   * All rows as plain objects (or arrays with rowMode 'array'). The worker sends the result in
   * small batches as they fill, and their rows are built in slices that yield to the event loop.
   */
  async fetch<R = Row>(sql: string, params: readonly unknown[] = [], options: CallOptions = {}): Promise<R[]> {
    checkCall(params, options);
    const rowMode = options.rowMode ?? this.#core.options.rowMode;
    const schemas = this.#core.schemas;
    // Made only for a result large enough to arrive in batches ahead of its reply (few are).
    let collector: RowCollector<R> | undefined;
    const reply = await this.#runQuery(sql, [params], options, 'batches', (columns, batch) => {
      collector ??= new RowCollector<R>();
      collector.add(schemas.resultOf<R>({ columns, batches: [batch], command: '', rowCount: null }, rowMode).batches[0]);
    });
    const result = schemas.resultOf<R>(reply, rowMode);
    // A result that came whole with its reply and is small (most) is built here, without waiting a turn.
    if (collector === undefined && result.numRows <= ROWS_BATCH.rows) return result.rows;
    collector ??= new RowCollector<R>();
    for (const batch of result.batches) collector.add(batch);
    return collector.finish();
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
    checkCall(params, options);
    return (await this.#runQuery(sql, params.length === 0 ? [] : [params], options, 'none', undefined, params.length === 0)).command;
  }

  /** Run one statement once per parameter array, pipelined and atomic, on one connection. */
  async executemany(sql: string, paramRows: readonly (readonly unknown[])[], options: CallOptions = {}): Promise<void> {
    if (!Array.isArray(paramRows)) throw new InterfaceError('executemany takes an array of parameter arrays');
    checkGuardOptions(options);
    checkParamSets(paramRows);
    if (paramRows.length === 0) return;
    await this.#runQuery(sql, paramRows, options, 'none');
  }

  /**
   * Stream a result as batches with backpressure: the worker stops reading from the server while
   * `highWaterMark` batches wait for the consumer. Breaking out of the loop cancels the query.
   */
  stream<R = Row>(sql: string, params: readonly unknown[] = [], options: StreamOptions = {}): AsyncIterable<RecordBatch<R>> {
    checkCall(params, options);
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

  /**
   * Pin a connection for a series of calls (transactions, cursors, LISTEN, session state). Give it
   * back with release(); it is reset first (ROLLBACK, RESET ALL, UNLISTEN *, …). `signal` and
   * `timeout` cover waiting for the connection (and its opening), not the session's life.
   */
  async acquire(options: Pick<CallOptions, 'signal' | 'timeout'> = {}): Promise<PooledConnection> {
    return this.#acquire(options);
  }

  async #acquire(options: Pick<CallOptions, 'signal' | 'timeout'>, begin?: string): Promise<PooledConnection> {
    checkGuardOptions(options);
    const core = this.#core;
    const lease = await core.openSession(options, begin);
    const connection = new PooledConnection({
      lease,
      toResult: (reply, rowMode) => core.schemas.resultOf(reply, rowMode),
      resetHook: core.options.resetHook,
      rowMode: core.options.rowMode,
      onNotice: core.options.onNotice,
      wireTypes: () => core.typeState.wire,
      encoder: core.encoder,
      nextCallId: () => core.nextId(),
    });
    if (core.options.setupHook !== undefined) {
      try {
        await core.options.setupHook(connection);
      } catch (error) {
        await connection.release().catch(() => undefined);
        throw error;
      }
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

  /** Run `fn` in a transaction on a pinned connection: COMMIT when it returns, ROLLBACK when it throws. */
  transaction<T>(fn: (connection: PooledConnection) => Promise<T>, options?: TransactionOptions): Promise<T> {
    // BEGIN goes with the connection's opening (one round trip fewer) unless a setup function
    // must run first, outside the transaction.
    if (this.#core.options.setupHook !== undefined) return this.withConnection((connection) => connection.transaction(() => fn(connection), options));
    return this.#withConnection((connection) => connection.continueTransaction(() => fn(connection)), {}, beginStatement(options));
  }

  /** Iterate a large result row by row through a server-side cursor, in a transaction of its own. */
  cursor<R = Row>(sql: string, params: readonly unknown[] = [], options: PinnedCursorOptions = {}): AsyncIterable<R> {
    checkParamSets([params]);
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
    this.#listener ??= this.acquire();
    this.#listener.catch(() => (this.#listener = undefined));
    const listener = await this.#listener;
    await listener.listen(channel, handler);
  }

  /** Stop `handler` (or all handlers) for `channel`; the listening connection goes back when no channel is left. */
  async unlisten(channel: string, handler?: (notification: Notification) => void): Promise<void> {
    if (this.#listener === undefined) return;
    const listener = await this.#listener;
    await listener.unlisten(channel, handler);
    if (listener.listeningChannels === 0) {
      this.#listener = undefined;
      await listener.release();
    }
  }

  /**
   * Forget the introspected types, here and in every worker (before its next call), as
   * Connection.reloadSchemaState does: call it after ALTER TYPE. Custom codecs stay.
   */
  async reloadSchemaState(): Promise<void> {
    this.#core.typeState.reload();
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
      await core.drained(timeout);
      await core.threads.closeConnections(Math.min(5_000, timeout));
      await core.threads.stop(new InterfaceError('the pool was closed while this call ran'));
    })();
    return this.#closing;
  }

  /** Close at once: running calls fail, connections are cut. */
  terminate(): Promise<void> {
    this.#closing ??= (async () => {
      const core = this.#core;
      core.refuseCalls(new InterfaceError('the pool was terminated'));
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
  /** Binary COPY of records (arrays or objects) into `table`, through a worker; resolves with the command tag ('COPY 1000'). */
  copyRecordsToTable(table: string, options: CopyRecordsOptions): Promise<string> { return copy.copyRecordsToTable(this, poolCopyTarget(this, this.#core), table, options); } // COPY
  /** Binary COPY of columns (typed arrays or value arrays, a RecordBatch or Result, an Arrow table) into `table`, without building rows. */
  copyColumnsToTable(table: string, options: CopyColumnsOptions): Promise<string> { return copy.copyColumnsToTable(this, poolCopyTarget(this, this.#core), table, options); } // COPY
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
        return await core.query(build, options, onBatch);
      } catch (error) {
        // Nothing reached the server: send it again with that parameter encoded here.
        if (core.encoder.learn(sql, error)) continue;
        throw error;
      }
    }
  }
}

/** Create a pool of worker threads, each owning up to `connectionsPerWorker` connections. */
export function createPool(dsnOrOptions?: string | PoolOptions, options: PoolOptions = {}): Pool {
  return new Pool(resolvePoolOptions(dsnOrOptions, options));
}
