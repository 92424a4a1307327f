// A connection pinned in a pool worker (pool.acquire() when no main-thread connection is free):
// each call a message on the data port of the worker that holds the connection, naming the
// session and the call.

import { proxy } from 'comlink';
import { ConnectionError, InterfaceError } from '../../codec/errors/client-errors.js';
import type { PostgresErrorFields } from '../../codec/errors/postgres-error.js';
import { cancelledError, deserializeError, packParams, type SessionNotification, type SessionOperation, type SessionQuery, type SessionReply, type SessionState, type WireTypeSettings, type WorkerControl } from '../../worker/pool/contract.js';
import { explainOn } from '../connection.js';
import type { Result } from '../result.js';
import type { RecordBatch } from '../record-batch.js';
import type { CallOptions, RunOutcome, RunRequest } from '../queryable.js';
import { CursorFactory, type CursorOptions, type PortalDriver, type PortalPage } from '../cursor.js';
import { PreparedStatement, type PreparedHost, type PreparedStatementOptions } from '../prepared-statement.js';
import { PooledConnection, type ResetHook } from '../pooled-connection.js';
import type { ParamEncoder } from '../param-encoder.js';
import { CallGuard, checkGuardOptions } from './call-guard.js';
import { checkParamSets } from './sendable.js';
import type { SessionLease } from './pool-core.js';
import type { Remote } from 'comlink';
import * as copy from '../copy/copy-methods.js';
import { sessionCopyTarget } from '../copy/pool-target.js';
import type { CopyTarget } from '../copy/copy-target.js';
import type { CopyColumnsOptions, CopyFromQueryOptions, CopyFromTableOptions, CopyRecordsOptions, CopyToTableOptions } from '../copy/copy-options.js';

/** What the pool gives a pinned session. */
export interface SessionHooks {
  lease: SessionLease;
  toResult<R>(reply: Extract<SessionReply, { ok: true }>, rowMode: 'object' | 'array'): Result<R>;
  /** The pool's reset callback, run before the connection goes back. */
  resetHook?: ResetHook;
  rowMode: 'object' | 'array';
  onNotice?: (notice: PostgresErrorFields) => void;
  /** The pool's type settings for the worker (custom codecs' formats, schema epoch). */
  wireTypes(): WireTypeSettings | undefined;
  /** Encodes parameters whose type has a custom encoder (it lives on this thread). */
  encoder: ParamEncoder;
  /** A pool-wide unique id for each call. */
  nextCallId(): number;
  /** Default timeout of every call, ms (the pool's commandTimeout). */
  commandTimeout: number | undefined;
}

type Ok = Extract<SessionReply, { ok: true }>;

export class WorkerPooledConnection extends PooledConnection {
  #state!: SessionState;
  #serverParameters = new Map<string, string>();
  #lost: Error | undefined;
  /** Calls sent and not answered yet, for cancel(). */
  readonly #inFlight = new Set<number>();

  // Non-enumerable: neither JSON.stringify nor inspect may reach the remote proxy or the hooks.
  readonly #hooks: SessionHooks;
  readonly #control: Remote<WorkerControl>;

  /** @internal Use pool.acquire(). */
  constructor(hooks: SessionHooks) {
    super(hooks.resetHook);
    this.#hooks = hooks;
    this.#control = hooks.lease.placement.link.control;
    this.#takeState(hooks.lease.opened.session);
    hooks.lease.placement.link.gone.catch((error: Error) => {
      this.#lost = error;
      this.terminated(error);
    });
  }

  protected get defaultRowMode(): 'object' | 'array' {
    return this.#hooks.rowMode;
  }

  get processId(): number {
    return this.#state.processId;
  }

  get transactionStatus(): 'idle' | 'transaction' | 'failed' {
    return this.#state.transactionStatus;
  }

  /** Server settings as of the last call (server_version, TimeZone, …). */
  get parameters(): ReadonlyMap<string, string> {
    return this.#serverParameters;
  }

  /** Prepare a statement on this connection; it lives until closed or until the connection is released. */
  async prepare(sql: string, options: PreparedStatementOptions & CallOptions = {}): Promise<PreparedStatement> {
    const name = options.name ?? `pgloom_s${this.#hooks.nextCallId()}`;
    if (typeof name !== 'string' || name.length === 0) throw new InterfaceError('a prepared statement name must be a non-empty string');
    const reply = await this.#call({ kind: 'prepare', sql, name, types: this.#hooks.wireTypes() }, options);
    const columns = this.#hooks.toResult(reply, this.defaultRowMode).columns;
    const host: PreparedHost = {
      run: (request, callOptions) => this.#run(request, callOptions, name),
      cursor: <R>(params: readonly unknown[], cursorOptions: CursorOptions) => new CursorFactory<R>(this.#portalsFor(name), `pgloom_cursor_${this.#hooks.nextCallId()}`, sql, params, cursorOptions.rowMode ?? this.defaultRowMode, cursorOptions),
      explain: (params, analyze, callOptions) => explainOn(this, sql, params, analyze, callOptions),
      close: async () => {
        if (this.usable) await this.#call({ kind: 'close-statement', name }, {});
      },
      rowMode: this.defaultRowMode,
    };
    return new PreparedStatement(name, sql, columns, reply.parameterTypes ?? [], host);
  }

  /**
   * Ask the server to cancel what this connection runs now: that call fails with the server's
   * QueryCanceledError (57014); the connection stays usable. Nothing happens when it is idle.
   */
  async cancel(): Promise<void> {
    this.checkUsable();
    const { link } = this.#hooks.lease.placement;
    for (const id of this.#inFlight) link.send({ type: 'cancel', id, reason: 'cancel' });
  }

  protected get lostWith(): Error | undefined {
    return this.#lost;
  }

  protected async returnToPool(discard: boolean): Promise<void> {
    const { lease } = this.#hooks;
    // The caller need not wait for the reset: the connection's place is freed when the worker has
    // done it (or the worker died, taking the connection with it).
    if (this.#lost === undefined) {
      void lease.placement.link.ask({ type: 'session', id: this.#hooks.nextCallId(), session: lease.id, operation: { kind: 'release', discard } })
        .catch(() => undefined)
        .finally(() => lease.free());
    } else lease.free();
  }

  protected run<R>(request: RunRequest, options: CallOptions): Promise<RunOutcome<R>> {
    return this.#run<R>(request, options, undefined);
  }

  protected async simple(sql: string): Promise<string> {
    return (await this.#call({ kind: 'query', request: { sql, paramSets: [], results: 'none', simple: true } }, {})).command;
  }

  protected async watchNotifications(on: boolean): Promise<void> {
    await this.#onWorker((control, id) => control.setNotificationHandler(id, on ? proxy((n: SessionNotification) => this.deliverNotification(n)) : undefined));
  }

  protected get portals(): PortalDriver {
    return this.#portalsFor(undefined);
  }

  /**
   * @internal `sql` read through the named portal `maxRows` rows a round trip, each chunk as the
   * batches it came in (partitioned streams); the portal is closed at the end. Needs a transaction.
   */
  async *portalBatches<R>(sql: string, params: readonly unknown[], portal: string, maxRows: number, options: CallOptions): AsyncGenerator<readonly RecordBatch<R>[]> {
    const rowMode = options.rowMode ?? this.defaultRowMode;
    let reply = await this.#request({ sql, results: 'batches', portal, maxRows }, [params], options);
    try {
      for (;;) {
        yield this.#hooks.toResult<R>(reply, rowMode).batches;
        if (!reply.suspended) return;
        reply = await this.#call({ kind: 'fetch-portal', portal, maxRows }, options);
      }
    } finally {
      if (this.usable && this.transactionStatus === 'transaction') await this.#call({ kind: 'close-portal', portal }, {});
    }
  }

  #portalsFor(statement: string | undefined): PortalDriver {
    const page = <R>(reply: Ok, rowMode: 'object' | 'array'): PortalPage<R> => ({ rows: this.#hooks.toResult<R>(reply, rowMode).rows, suspended: reply.suspended });
    return {
      open: async <R>(sql: string, params: readonly unknown[], portal: string, maxRows: number, rowMode: 'object' | 'array', options: CallOptions) =>
        page<R>(await this.#request({ sql, results: 'batches', portal, maxRows, statement }, [params], options), rowMode),
      fetch: async <R>(portal: string, maxRows: number, rowMode: 'object' | 'array', options: CallOptions) =>
        page<R>(await this.#call({ kind: 'fetch-portal', portal, maxRows }, options), rowMode),
      simple: async (sql, options) => (await this.#call({ kind: 'query', request: { sql, paramSets: [], results: 'none', simple: true } }, options)).command,
      close: async (portal) => {
        await this.#call({ kind: 'close-portal', portal }, {});
      },
      inTransaction: () => this.transactionStatus === 'transaction',
      usable: () => this.usable,
    };
  }

  async #run<R>(request: RunRequest, options: CallOptions, statement: string | undefined): Promise<RunOutcome<R>> {
    if (request.simple && statement === undefined) {
      const reply = await this.#call({ kind: 'query', request: { sql: request.sql, paramSets: [], results: 'none', simple: true } }, options);
      return { command: reply.command, rowCount: reply.rowCount, columns: [], rows: [] };
    }
    const reply = await this.#request({ sql: request.sql, results: request.want === 'none' ? 'none' : 'batches', statement }, request.paramSets, options);
    // A command's tag needs no decoding plan (as the pool's own execute).
    if (request.want === 'none') return { command: reply.command, rowCount: reply.rowCount, columns: [] };
    const result = this.#hooks.toResult<R>(reply, request.rowMode);
    switch (request.want) {
      case 'result':
        return { command: reply.command, rowCount: reply.rowCount, columns: result.columns, result };
      case 'first': {
        const first = result.firstRow();
        return { command: reply.command, rowCount: reply.rowCount, columns: result.columns, rows: first === null ? [] : [first] };
      }
      case 'rows':
        return { command: reply.command, rowCount: reply.rowCount, columns: result.columns, rows: result.rows };
    }
  }

  #takeState(state: SessionState): void {
    this.#state = state;
    // The worker sends the settings only when they changed.
    if (state.parameters !== undefined) this.#serverParameters = new Map(state.parameters);
  }

  /** A query with parameters; those of custom-encoded types are encoded on this thread. */
  async #request(query: Omit<SessionQuery, 'paramSets' | 'types'>, paramSets: readonly (readonly unknown[])[], options: CallOptions): Promise<Ok> {
    checkParamSets(paramSets);
    for (;;) {
      const packed = this.#hooks.encoder.apply(query.sql, paramSets).map(packParams);
      try {
        return await this.#call({ kind: 'query', request: { ...query, paramSets: packed, types: this.#hooks.wireTypes() } }, options);
      } catch (error) {
        // Nothing reached the server: send it again with that parameter encoded here.
        if (this.#hooks.encoder.learn(query.sql, error)) continue;
        throw error;
      }
    }
  }

  /** A control call that is not a query (no cancel, no timeout), raced with the worker's end. */
  #onWorker<T>(send: (control: Remote<WorkerControl>, session: number) => Promise<T>): Promise<T> {
    this.checkUsable();
    const { lease } = this.#hooks;
    return Promise.race([send(this.#control, lease.id), lease.placement.link.gone]);
  }

  /**
   * One call on the pinned connection. Abort and timeout (the call's own, or the pool's
   * commandTimeout) reject at once and cancel this call only (the worker holds later calls until
   * the cancel has landed).
   */
  async #call(operation: SessionOperation, options: CallOptions): Promise<Ok> {
    checkGuardOptions(options);
    this.checkUsable();
    const timeout = options.timeout ?? this.#hooks.commandTimeout;
    const guard = options.signal === undefined && timeout === undefined ? undefined : new CallGuard({ signal: options.signal, timeout });
    guard?.checkNotAborted();
    const { lease } = this.#hooks;
    const { link } = lease.placement;
    const id = this.#hooks.nextCallId();
    const answer = link.ask({ type: 'session', id, session: lease.id, operation });
    // After a give-up nobody awaits the answer: its rejection (a dead worker) is expected.
    answer.catch(() => undefined);
    this.#inFlight.add(id);
    try {
      const reply = (guard === undefined
        ? await answer
        : await Promise.race([answer, new Promise<never>((_, reject) => guard.watch((reason) => {
          link.send({ type: 'cancel', id, reason });
          reject(cancelledError(reason, guard.timeout));
        }))])) as SessionReply;
      if (reply.session !== undefined) this.#takeState(reply.session);
      if (!reply.ok) {
        const error = deserializeError(reply.error);
        // The worker destroyed the connection (lost, or a cancel past its grace period): nothing more runs here.
        if (error instanceof ConnectionError && reply.session === undefined) this.terminated(error);
        throw error;
      }
      for (const notice of reply.notices) {
        this.#hooks.onNotice?.(notice);
        this.deliverNotice(notice);
      }
      return reply;
    } finally {
      this.#inFlight.delete(id);
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
        if (answer.session !== undefined) this.#takeState(answer.session);
        if (answer.ok) {
          for (const notice of answer.notices) {
            this.#hooks.onNotice?.(notice);
            this.deliverNotice(notice);
          }
        }
      },
    });
  }
}
