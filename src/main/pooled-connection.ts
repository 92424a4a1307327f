// A connection pinned in a pool worker (pool.acquire()): the Connection API, each call a message
// on the data port of the worker that holds the connection, naming the session and the call.
// Used for transactions, cursors and LISTEN.

import { inspect } from 'node:util';
import { proxy } from 'comlink';
import { InterfaceError } from '../codec/errors/client-errors.js';
import type { PostgresErrorFields } from '../codec/errors/postgres-error.js';
import { cancelledError, deserializeError, packParams, type SessionNotification, type SessionOperation, type SessionQuery, type SessionReply, type SessionState, type WireTypeSettings, type WorkerControl } from '../worker/pool/contract.js';
import type { BuiltinCodecOptions, Row } from './connection.js';
import type { TypeCodecSpec } from '../codec/types/introspected/custom.js';
import type { Result } from './result.js';
import type { CallOptions } from './pool.js';
import type { TransactionOptions } from './transaction-options.js';
import { runInTransaction, type TransactionHost } from './transaction-runner.js';
import { checkParams } from './check-params.js';
import type { ParamEncoder } from './param-encoder.js';
import { CallGuard, checkGuardOptions } from './threads/call-guard.js';
import { checkSendable } from './threads/sendable.js';
import type { SessionLease } from './threads/pool-core.js';
import type { Remote } from 'comlink';
import * as copy from './copy/copy-methods.js';
import { sessionCopyTarget } from './copy/pool-target.js';
import type { CopyTarget } from './copy/copy-target.js';
import type { CopyColumnsOptions, CopyFromQueryOptions, CopyFromTableOptions, CopyRecordsOptions, CopyToTableOptions } from './copy/copy-options.js';

export type Notification = SessionNotification;

/** The codec settings a connect({ worker: true }) connection forwards to its own pool. */
export interface TypeSettings {
  reloadSchemaState(): Promise<void>;
  setTypeCodec<T>(typeName: string, spec: TypeCodecSpec<T>): Promise<void>;
  setBuiltinTypeCodec(typeName: string, options: BuiltinCodecOptions): Promise<void>;
  resetTypeCodec(typeName: string, options?: { schema?: string }): Promise<void>;
}

export interface PinnedCursorOptions {
  /** Rows fetched per round trip (default 50, as asyncpg). */
  prefetch?: number;
  rowMode?: 'object' | 'array';
}

/** What the pool gives a pinned session. */
export interface SessionHooks {
  lease: SessionLease;
  toResult<R>(reply: Extract<SessionReply, { ok: true }>, rowMode: 'object' | 'array'): Result<R>;
  /** The pool's reset callback, run before the connection goes back. */
  resetHook?: (connection: PooledConnection) => Promise<void>;
  rowMode: 'object' | 'array';
  onNotice?: (notice: PostgresErrorFields) => void;
  /** The pool's type settings for the worker (custom codecs' formats, schema epoch). */
  wireTypes(): WireTypeSettings | undefined;
  /** Encodes parameters whose type has a custom encoder (it lives on this thread). */
  encoder: ParamEncoder;
  /** A pool-wide unique id for each call. */
  nextCallId(): number;
}

type Ok = Extract<SessionReply, { ok: true }>;

export class PooledConnection {
  private state!: SessionState;
  private serverParameters = new Map<string, string>();
  private isReleased = false;
  private cursorCounter = 0;
  private readonly listeners = new Map<string, Set<(notification: Notification) => void>>();
  private lost: Error | undefined;

  // Non-enumerable: neither JSON.stringify nor inspect may reach the remote proxy or the hooks.
  readonly #hooks: SessionHooks;
  readonly #control: Remote<WorkerControl>;

  /** @internal Use pool.acquire(). */
  constructor(hooks: SessionHooks) {
    this.#hooks = hooks;
    this.#control = hooks.lease.placement.link.control;
    this.takeState(hooks.lease.opened.session);
    hooks.lease.placement.link.gone.catch((error: Error) => {
      this.lost = error;
    });
  }

  get processId(): number {
    return this.state.processId;
  }

  get transactionStatus(): 'idle' | 'transaction' | 'failed' {
    return this.state.transactionStatus;
  }

  /** Server settings as of the last call (server_version, TimeZone, …). */
  get parameters(): ReadonlyMap<string, string> {
    return this.serverParameters;
  }

  get released(): boolean {
    return this.isReleased;
  }

  /** Channels this connection LISTENs on. */
  get listeningChannels(): number {
    return this.listeners.size;
  }

  async query<R = Row>(sql: string, params: readonly unknown[] = [], options: CallOptions = {}): Promise<Result<R>> {
    const reply = await this.request({ sql, results: 'batches' }, [params], options);
    return this.#hooks.toResult<R>(reply, options.rowMode ?? this.#hooks.rowMode);
  }

  async fetch<R = Row>(sql: string, params: readonly unknown[] = [], options: CallOptions = {}): Promise<R[]> {
    return (await this.query<R>(sql, params, options)).rows;
  }

  async fetchrow<R = Row>(sql: string, params: readonly unknown[] = [], options: CallOptions = {}): Promise<R | null> {
    return (await this.query<R>(sql, params, options)).firstRow();
  }

  async fetchval<V = unknown>(sql: string, params: readonly unknown[] = [], column: number | string = 0, options: CallOptions = {}): Promise<V | null> {
    return (await this.query(sql, params, options)).firstValue<V>(column);
  }

  async execute(sql: string, params: readonly unknown[] = [], options: CallOptions = {}): Promise<string> {
    checkParams(params);
    // Without parameters, the simple protocol: several statements may run.
    if (params.length === 0) return (await this.call({ kind: 'query', request: { sql, paramSets: [], results: 'none', simple: true } }, options)).command;
    return (await this.request({ sql, results: 'none' }, [params], options)).command;
  }

  async executemany(sql: string, paramRows: readonly (readonly unknown[])[], options: CallOptions = {}): Promise<void> {
    if (!Array.isArray(paramRows)) throw new InterfaceError('executemany takes an array of parameter arrays');
    if (paramRows.length === 0) return;
    await this.request({ sql, results: 'none' }, paramRows, options);
  }

  /** COMMIT when `fn` returns, ROLLBACK when it throws; nested calls use savepoints. */
  transaction<T>(fn: (connection: this) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return runInTransaction(this.transactionHost, () => fn(this), options);
  }

  /** @internal pool.transaction: the connection was opened with BEGIN already run. */
  continueTransaction<T>(fn: (connection: this) => Promise<T>): Promise<T> {
    return runInTransaction(this.transactionHost, () => fn(this), undefined, true);
  }

  private readonly transactionHost: TransactionHost = {
    simple: async (sql) => (await this.call({ kind: 'query', request: { sql, paramSets: [], results: 'none', simple: true } }, {})).command,
    usable: () => this.usable,
    transactionDepth: 0,
  };

  /** Iterate a query's rows through a server-side cursor, `prefetch` rows a round trip; needs a transaction. */
  cursor<R = Row>(sql: string, params: readonly unknown[] = [], options: PinnedCursorOptions = {}): AsyncIterable<R> {
    const prefetch = options.prefetch ?? 50;
    if (!Number.isInteger(prefetch) || prefetch <= 0) throw new InterfaceError(`cursor prefetch must be a positive integer, got ${prefetch}`);
    const rowMode = options.rowMode ?? this.#hooks.rowMode;
    const portal = `pgloom_cursor_${++this.cursorCounter}`;
    const session = this;
    return {
      async *[Symbol.asyncIterator]() {
        if (session.transactionStatus !== 'transaction') throw new InterfaceError('a cursor needs a transaction: iterate it inside transaction(…)');
        let reply = await session.request({ sql, results: 'batches', portal, maxRows: prefetch }, [params], {});
        let finished = false;
        try {
          for (;;) {
            for (const row of session.#hooks.toResult<R>(reply, rowMode).rows) yield row;
            if (!reply.suspended) break;
            reply = await session.call({ kind: 'fetch-portal', portal, maxRows: prefetch }, {});
          }
          finished = true;
        } finally {
          if (!finished && session.usable && session.transactionStatus === 'transaction') await session.call({ kind: 'close-portal', portal }, {});
        }
      },
    };
  }

  /** LISTEN on `channel`; `handler` gets each NOTIFY. */
  async listen(channel: string, handler: (notification: Notification) => void): Promise<void> {
    this.checkUsable();
    if (typeof handler !== 'function') throw new InterfaceError('listen(channel, handler): the handler must be a function');
    const quoted = quoteIdentifier(channel);
    let handlers = this.listeners.get(channel);
    if (handlers === undefined) {
      handlers = new Set();
      this.listeners.set(channel, handlers);
      if (this.listeners.size === 1) await this.onWorker((control, id) => control.setNotificationHandler(id, proxy((n: Notification) => this.deliver(n))));
      await this.execute(`LISTEN ${quoted}`);
    }
    handlers.add(handler);
  }

  /** Stop `handler` (or every handler) for `channel`; UNLISTEN when none is left. */
  async unlisten(channel: string, handler?: (notification: Notification) => void): Promise<void> {
    this.checkUsable();
    const handlers = this.listeners.get(channel);
    if (handlers === undefined) return;
    if (handler !== undefined) handlers.delete(handler);
    else handlers.clear();
    if (handlers.size > 0) return;
    this.listeners.delete(channel);
    await this.execute(`UNLISTEN ${quoteIdentifier(channel)}`);
    if (this.listeners.size === 0) await this.onWorker((control, id) => control.setNotificationHandler(id, undefined));
  }

  /** @internal For connect({ worker: true }): close() also stops the connection's own worker. */
  onClose: (() => Promise<void>) | undefined;

  /** @internal For connect({ worker: true }): the one-connection pool whose codecs are this connection's. */
  ownTypes: TypeSettings | undefined;

  /** Forget introspected types (after ALTER TYPE), as Connection.reloadSchemaState. */
  async reloadSchemaState(): Promise<void> {
    return this.typeSettings().reloadSchemaState();
  }

  /** A custom codec for `typeName` (run on this thread: see Pool.setTypeCodec). */
  async setTypeCodec<T>(typeName: string, spec: TypeCodecSpec<T>): Promise<void> {
    return this.typeSettings().setTypeCodec(typeName, spec);
  }

  async setBuiltinTypeCodec(typeName: string, options: BuiltinCodecOptions): Promise<void> {
    return this.typeSettings().setBuiltinTypeCodec(typeName, options);
  }

  async resetTypeCodec(typeName: string, options: { schema?: string } = {}): Promise<void> {
    return this.typeSettings().resetTypeCodec(typeName, options);
  }

  private typeSettings(): TypeSettings {
    if (this.ownTypes === undefined) {
      throw new InterfaceError("a connection acquired from a pool uses its pool's codecs: call pool.setTypeCodec / pool.reloadSchemaState instead");
    }
    return this.ownTypes;
  }

  /** Release the connection; for connect({ worker: true }) also stop its worker thread. */
  async close(): Promise<void> {
    await this.release();
    await this.onClose?.();
  }

  /** Give the connection back to the pool (after a reset); this object is then unusable. */
  async release(): Promise<void> {
    if (this.isReleased) return;
    let discard = false;
    let resetError: unknown;
    if (this.#hooks.resetHook !== undefined && this.lost === undefined) {
      try {
        await this.#hooks.resetHook(this);
      } catch (error) {
        // A connection the user's reset could not clean is closed rather than handed on.
        discard = true;
        resetError = error;
      }
    }
    this.isReleased = true;
    this.listeners.clear();
    const { lease } = this.#hooks;
    // The caller need not wait for the reset: the connection's place is freed when the worker has
    // done it (or the worker died, taking the connection with it).
    if (this.lost === undefined) {
      void lease.placement.link.ask({ type: 'session', id: this.#hooks.nextCallId(), session: lease.id, operation: { kind: 'release', discard } })
        .catch(() => undefined)
        .finally(() => lease.free());
    } else lease.free();
    if (discard) throw resetError;
  }

  toJSON(): Record<string, unknown> {
    return { processId: this.processId, transactionStatus: this.transactionStatus, released: this.isReleased };
  }

  [inspect.custom](): string {
    return `PooledConnection { processId: ${this.processId}, transactionStatus: '${this.transactionStatus}', released: ${this.isReleased} }`;
  }

  private takeState(state: SessionState): void {
    this.state = state;
    // The worker sends the settings only when they changed.
    if (state.parameters !== undefined) this.serverParameters = new Map(state.parameters);
  }

  private get usable(): boolean {
    return this.lost === undefined && !this.isReleased;
  }

  private checkUsable(): void {
    if (this.isReleased) throw new InterfaceError('this pooled connection was released: acquire another');
    if (this.lost !== undefined) throw this.lost;
  }

  private deliver(notification: Notification): void {
    for (const handler of this.listeners.get(notification.channel) ?? []) handler(notification);
  }

  /** A query with parameters; those of custom-encoded types are encoded on this thread. */
  private async request(query: Omit<SessionQuery, 'paramSets' | 'types'>, paramSets: readonly (readonly unknown[])[], options: CallOptions): Promise<Ok> {
    paramSets.forEach((params, row) => {
      checkParams(params);
      checkSendable(params, paramSets.length > 1 ? row : undefined);
    });
    for (;;) {
      const packed = this.#hooks.encoder.apply(query.sql, paramSets).map(packParams);
      try {
        return await this.call({ kind: 'query', request: { ...query, paramSets: packed, types: this.#hooks.wireTypes() } }, options);
      } catch (error) {
        // Nothing reached the server: send it again with that parameter encoded here.
        if (this.#hooks.encoder.learn(query.sql, error)) continue;
        throw error;
      }
    }
  }

  /** A control call that is not a query (no cancel, no timeout), raced with the worker's end. */
  private onWorker<T>(send: (control: Remote<WorkerControl>, session: number) => Promise<T>): Promise<T> {
    this.checkUsable();
    const { lease } = this.#hooks;
    return Promise.race([send(this.#control, lease.id), lease.placement.link.gone]);
  }

  /**
   * One call on the pinned connection. Abort and timeout reject at once and cancel this call only
   * (the worker holds later calls until the cancel has landed).
   */
  private async call(operation: SessionOperation, options: CallOptions): Promise<Ok> {
    checkGuardOptions(options);
    this.checkUsable();
    const guard = options.signal === undefined && options.timeout === undefined ? undefined : new CallGuard(options);
    guard?.checkNotAborted();
    const { lease } = this.#hooks;
    const { link } = lease.placement;
    const id = this.#hooks.nextCallId();
    const answer = link.ask({ type: 'session', id, session: lease.id, operation });
    // After a give-up nobody awaits the answer: its rejection (a dead worker) is expected.
    answer.catch(() => undefined);
    try {
      const reply = (guard === undefined
        ? await answer
        : await Promise.race([answer, new Promise<never>((_, reject) => guard.watch((reason) => {
          link.send({ type: 'cancel', id, reason });
          reject(cancelledError(reason, guard.timeout));
        }))])) as SessionReply;
      if (reply.session !== undefined) this.takeState(reply.session);
      if (!reply.ok) throw deserializeError(reply.error);
      if (this.#hooks.onNotice) for (const notice of reply.notices) this.#hooks.onNotice(notice);
      return reply;
    } finally {
      guard?.dispose();
    }
  }

  // COPY (docs/copy.md; the logic is in ./copy)
  /** Binary COPY of records (arrays or objects) into `table` on this connection; resolves with the command tag. */
  copyRecordsToTable(table: string, options: CopyRecordsOptions): Promise<string> { return copy.copyRecordsToTable(this, this.#copyTarget(), table, options); } // COPY
  /** Binary COPY of columns (typed arrays or value arrays, a RecordBatch or Result, an Arrow table) into `table`, without building rows. */
  copyColumnsToTable(table: string, options: CopyColumnsOptions): Promise<string> { return copy.copyColumnsToTable(this, this.#copyTarget(), table, options); } // COPY
  /** COPY FROM STDIN of text, CSV or binary bytes from a Readable, a file path (read by the worker), bytes or an iterable. */
  copyToTable(table: string, options: CopyToTableOptions): Promise<string> { return copy.copyToTable(this.#copyTarget(), table, options); } // COPY
  /** COPY `table` TO STDOUT into a Writable, a file path (written by the worker) or a function. */
  copyFromTable(table: string, options: CopyFromTableOptions): Promise<string> { return copy.copyFromTable(this.#copyTarget(), table, options); } // COPY
  /** COPY (`sql`) TO STDOUT into a Writable, a file path (written by the worker) or a function. */
  copyFromQuery(sql: string, params: readonly unknown[] | undefined, options: CopyFromQueryOptions): Promise<string> { return copy.copyFromQuery(this.#copyTarget(), sql, params, options); } // COPY
  #copyTarget(): CopyTarget { // COPY
    return sessionCopyTarget({
      lease: this.#hooks.lease,
      catalog: this.#hooks.encoder.catalog,
      connection: this,
      nextCallId: () => this.#hooks.nextCallId(),
      checkUsable: () => this.checkUsable(),
      onReply: (reply) => {
        const answer = reply as SessionReply;
        if (answer.session !== undefined) this.takeState(answer.session);
        if (answer.ok && this.#hooks.onNotice) for (const notice of answer.notices) this.#hooks.onNotice(notice);
      },
    });
  }
}

function quoteIdentifier(name: string): string {
  if (name.length === 0 || name.includes('\0')) throw new InterfaceError('a channel name must be a non-empty string without NUL');
  return `"${name.replace(/"/g, '""')}"`;
}
