// What a connection to one server session adds to the query surface, written once for Connection
// (inline) and PooledConnection (pinned from a pool): cursors, transactions, and listeners for
// NOTIFY, notices and the connection's end (asyncpg's add_listener, add_log_listener,
// add_termination_listener).

import { InterfaceError } from '../codec/errors/client-errors.js';
import type { PostgresErrorFields } from '../codec/errors/postgres-error.js';
import type { TransactionStatus } from '../worker/connection.js';
import { CursorFactory, type CursorOptions, type PortalDriver } from './cursor.js';
import { Queryable, type CallOptions, type Row } from './queryable.js';
import type { PreparedStatement, PreparedStatementOptions } from './prepared-statement.js';
import type { TransactionOptions } from './transaction-options.js';
import { runInTransaction, Transaction, type TransactionHost } from './transaction-runner.js';
import { checkParams } from './check-params.js';

/** A NOTIFY delivered to a session that LISTENs on its channel. */
export interface SessionNotification {
  processId: number;
  channel: string;
  payload: string;
}

export type NotificationListener<C> = (notification: SessionNotification, connection: C) => void;
export type LogListener<C> = (notice: PostgresErrorFields, connection: C) => void;
export type TerminationListener<C> = (connection: C, error: Error | undefined) => void;

// Stored with the base type: every listener is only ever called with the session it was added to.
interface Channel {
  handlers: Set<NotificationListener<Session>>;
  /** Settles once LISTEN is in effect. */
  listening: Promise<void>;
}

export abstract class Session extends Queryable {
  #cursorCounter = 0;
  readonly #channels = new Map<string, Channel>();
  readonly #logListeners = new Set<LogListener<Session>>();
  readonly #terminationListeners = new Set<TerminationListener<Session>>();
  #terminated = false;

  /** Prepare a statement once on this connection; run it many times without re-parsing. */
  abstract prepare(sql: string, options?: PreparedStatementOptions & CallOptions): Promise<PreparedStatement>;

  /** 'idle', 'transaction' or 'failed', as of the last statement. */
  abstract get transactionStatus(): TransactionStatus;

  /** The portal steps of this session, for its cursors. */
  protected abstract get portals(): PortalDriver;

  /** Simple-protocol SQL for BEGIN/COMMIT/ROLLBACK/SAVEPOINT, LISTEN and UNLISTEN. */
  protected abstract simple(sql: string): Promise<string>;

  /** The outermost COMMIT or ROLLBACK of a transaction the session ends with (see TransactionHost.end). */
  protected endTransactionAndSession(sql: 'COMMIT' | 'ROLLBACK'): Promise<string> {
    return this.simple(sql);
  }

  /** False once the session cannot run anything (closed, released, lost). */
  protected abstract get usable(): boolean;

  /** Before LISTEN is sent: make sure notifications reach deliverNotification. */
  protected abstract watchNotifications(on: boolean): Promise<void>;

  /** Nesting depth of transaction(), kept between calls. */
  #transactionHost: TransactionHost | undefined;

  protected get transactionHost(): TransactionHost {
    return (this.#transactionHost ??= {
      simple: (sql) => this.simple(sql),
      end: (sql) => this.endTransactionAndSession(sql),
      usable: () => this.usable,
      transactionStatus: () => this.transactionStatus,
      transactionDepth: 0,
    });
  }

  /**
   * A server-side cursor: `for await (const row of connection.cursor(sql, params))` fetches
   * `prefetch` rows a round trip; `await connection.cursor(sql, params)` gives a Cursor with
   * fetch(n), fetchrow() and forward(n). Needs a transaction; closed on the server at the end.
   */
  cursor<R = Row>(sql: string, params: readonly unknown[] = [], options: CursorOptions = {}): CursorFactory<R> {
    checkParams(params);
    const portal = `pgloom_cursor_${++this.#cursorCounter}`;
    return new CursorFactory<R>(this.portals, portal, sql, params, options.rowMode ?? this.defaultRowMode, options);
  }

  /**
   * With a callback: run `fn` in a transaction, COMMIT when it returns, ROLLBACK when it throws
   * (and rethrow). Without one: a Transaction to start(), then commit() or rollback().
   * Nested transactions are savepoints. Refused while a transaction begun by hand is open.
   */
  transaction<T>(fn: (connection: this) => Promise<T>, options?: TransactionOptions): Promise<T>;
  transaction(options?: TransactionOptions): Transaction;
  transaction<T>(fnOrOptions?: ((connection: this) => Promise<T>) | TransactionOptions, options?: TransactionOptions): Promise<T> | Transaction {
    if (typeof fnOrOptions === 'function') return runInTransaction(this.transactionHost, () => fnOrOptions(this), options);
    return new Transaction(this.transactionHost, fnOrOptions);
  }

  /** Channels this connection LISTENs on. */
  get listeningChannels(): number {
    return this.#channels.size;
  }

  /** LISTEN on `channel`; `listener` gets each NOTIFY. Resolves once the LISTEN is in effect. */
  async addListener(channel: string, listener: NotificationListener<this>): Promise<void> {
    if (typeof listener !== 'function') throw new InterfaceError('addListener(channel, listener): the listener must be a function');
    const quoted = quoteChannel(channel);
    this.checkSessionUsable();
    let entry = this.#channels.get(channel);
    if (entry === undefined) {
      const created: Channel = { handlers: new Set(), listening: Promise.resolve() };
      this.#channels.set(channel, created);
      const first = this.#channels.size === 1;
      created.listening = (async () => {
        if (first) await this.watchNotifications(true);
        await this.simple(`LISTEN ${quoted}`);
      })();
      entry = created;
      created.listening.catch(() => {
        if (this.#channels.get(channel) === created) this.#channels.delete(channel);
      });
    }
    entry.handlers.add(listener as NotificationListener<Session>);
    await entry.listening;
  }

  /** Stop `listener` (or every listener) for `channel`; UNLISTEN once none is left. */
  async removeListener(channel: string, listener?: NotificationListener<this>): Promise<void> {
    const entry = this.#channels.get(channel);
    if (entry === undefined) return;
    if (listener !== undefined) entry.handlers.delete(listener as NotificationListener<Session>);
    else entry.handlers.clear();
    if (entry.handlers.size > 0) return;
    this.#channels.delete(channel);
    if (!this.usable) return;
    await this.simple(`UNLISTEN ${quoteChannel(channel)}`);
    if (this.#channels.size === 0) await this.watchNotifications(false);
  }

  /** `listener` gets each notice and warning the server sends this session (RAISE NOTICE, …). */
  addLogListener(listener: LogListener<this>): void {
    if (typeof listener !== 'function') throw new InterfaceError('addLogListener(listener): the listener must be a function');
    this.#logListeners.add(listener as LogListener<Session>);
  }

  removeLogListener(listener: LogListener<this>): void {
    this.#logListeners.delete(listener as LogListener<Session>);
  }

  /** `listener` is called once when the connection ends: closed, terminated, or lost (with the error). */
  addTerminationListener(listener: TerminationListener<this>): void {
    if (typeof listener !== 'function') throw new InterfaceError('addTerminationListener(listener): the listener must be a function');
    this.#terminationListeners.add(listener as TerminationListener<Session>);
  }

  removeTerminationListener(listener: TerminationListener<this>): void {
    this.#terminationListeners.delete(listener as TerminationListener<Session>);
  }

  /** @internal */
  protected deliverNotification(notification: SessionNotification): void {
    const entry = this.#channels.get(notification.channel);
    if (entry !== undefined) for (const handler of entry.handlers) callListener(() => handler(notification, this));
  }

  /** @internal */
  protected deliverNotice(notice: PostgresErrorFields): void {
    for (const listener of this.#logListeners) callListener(() => listener(notice, this));
  }

  /** @internal The session ended (once): tell the termination listeners. */
  protected terminated(error: Error | undefined): void {
    if (this.#terminated) return;
    this.#terminated = true;
    this.#channels.clear();
    for (const listener of this.#terminationListeners) callListener(() => listener(this, error));
  }

  /** @internal */
  protected forgetListeners(): void {
    this.#channels.clear();
  }

  protected checkSessionUsable(): void {
    if (!this.usable) throw new InterfaceError('the connection is closed or released: open or acquire another');
  }
}

// A listener that throws must not break the connection that delivers to it.
function callListener(call: () => void): void {
  try {
    call();
  } catch (error) {
    process.emitWarning(`a pgloom listener threw: ${error instanceof Error ? error.message : String(error)}`, 'PgloomWarning');
  }
}

function quoteChannel(name: string): string {
  if (typeof name !== 'string' || name.length === 0 || name.includes('\0')) throw new InterfaceError('a channel name must be a non-empty string without NUL');
  return `"${name.replace(/"/g, '""')}"`;
}
