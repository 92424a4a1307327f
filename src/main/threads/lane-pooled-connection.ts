// A pinned session on one of the pool's main-thread connections: every call runs inline, as on
// connect()'s Connection, with no thread hop. A transaction of four statements through a worker
// paid two thread wake-ups per statement (~1.2-3.3 ms in all against ~0.5 ms inline).
// Released, the connection is reset as a worker resets its own (see PinnedSession.release).

import { InterfaceError } from '../../codec/errors/client-errors.js';
import { DEFAULT_RESET } from '../../worker/pool/pinned-session.js';
import type { SessionNotification } from '../../worker/pool/contract.js';
import type { Connection } from '../connection.js';
import type { PortalDriver } from '../cursor.js';
import type { PreparedStatement, PreparedStatementOptions } from '../prepared-statement.js';
import { PooledConnection, type ResetHook } from '../pooled-connection.js';
import type { CallOptions, RunOutcome, RunRequest } from '../queryable.js';
import type { TerminationListener } from '../session.js';
import type { CopyColumnsOptions, CopyFromQueryOptions, CopyFromTableOptions, CopyRecordsOptions, CopyToTableOptions } from '../copy/copy-options.js';
import type { PinnedLaneConnection } from './main-thread-lane.js';
import { checkParamSets } from './sendable.js';

export interface LaneSessionSettings {
  pinned: PinnedLaneConnection;
  rowMode: 'object' | 'array';
  resetHook: ResetHook | undefined;
  /** The pool's reset SQL ('' : none but ROLLBACK); undefined: asyncpg's default. */
  resetSql: string | undefined;
}

export class LanePooledConnection extends PooledConnection {
  // Non-enumerable: JSON.stringify and inspect show only what toJSON says.
  readonly #pinned: PinnedLaneConnection;
  readonly #connection: Connection;
  readonly #rowMode: 'object' | 'array';
  readonly #resetSql: string;
  readonly #prepared = new Set<PreparedStatement>();
  readonly #onLost: TerminationListener<Connection>;
  #lost: Error | undefined;
  /** The reset, when it went out with the transaction's COMMIT or ROLLBACK (see endTransactionAndSession). */
  #resetSent: Promise<string> | undefined;

  /** @internal Use pool.acquire(). */
  constructor(settings: LaneSessionSettings) {
    super(settings.resetHook);
    this.#pinned = settings.pinned;
    this.#connection = settings.pinned.connection;
    this.#rowMode = settings.rowMode;
    this.#resetSql = settings.resetSql ?? DEFAULT_RESET;
    this.#connection.forwardEvents({
      notification: (notification: SessionNotification) => this.deliverNotification(notification),
      notice: (notice) => this.deliverNotice(notice),
    });
    this.#onLost = (_connection, error) => {
      if (this.released) return;
      this.#lost = error ?? new InterfaceError('the connection was closed: the pool closed or terminated it');
      this.terminated(error);
    };
    this.#connection.addTerminationListener(this.#onLost);
  }

  protected get defaultRowMode(): 'object' | 'array' {
    return this.#rowMode;
  }

  get processId(): number {
    return this.#connection.processId;
  }

  get transactionStatus(): 'idle' | 'transaction' | 'failed' {
    return this.#connection.transactionStatus;
  }

  get parameters(): ReadonlyMap<string, string> {
    return this.#connection.parameters;
  }

  /** Prepare a statement on this connection; it lives until closed or until the connection is released. */
  async prepare(sql: string, options: PreparedStatementOptions & CallOptions = {}): Promise<PreparedStatement> {
    this.checkUsable();
    const statement = await this.#connection.prepare(sql, options);
    this.#prepared.add(statement);
    return statement;
  }

  async cancel(): Promise<void> {
    this.checkUsable();
    await this.#connection.cancel();
  }

  protected get lostWith(): Error | undefined {
    return this.#lost;
  }

  protected async returnToPool(discard: boolean): Promise<void> {
    const connection = this.#connection;
    connection.forwardEvents(undefined);
    connection.removeTerminationListener(this.#onLost);
    // As a worker does, the reset runs after the caller moved on; the place frees when it is done.
    this.#pinned.releasing();
    void this.#reset(discard).finally(() => this.#pinned.unpin());
  }

  /** Make the connection fit for the next session, or close it (unpin() then retires it). */
  async #reset(discard: boolean): Promise<void> {
    const connection = this.#connection;
    if (connection.closed) return;
    if (discard) return connection.terminate();
    try {
      // The session's own statements go with it; the statement cache's stay.
      await Promise.all([...this.#prepared].map((statement) => statement.close()));
      // Sent with the COMMIT or ROLLBACK: done once it completes, unless a transaction is open again.
      if (this.#resetSent !== undefined) {
        await this.#resetSent;
        if (connection.transactionStatus === 'idle') return;
      }
      if (connection.transactionStatus !== 'idle') await connection.runSimple('ROLLBACK');
      if (this.#resetSql !== '') await connection.runSimple(this.#resetSql);
    } catch {
      // A session that cannot be reset is not handed to anyone else.
      connection.terminate();
    }
  }

  protected run<R>(request: RunRequest, options: CallOptions): Promise<RunOutcome<R>> {
    this.checkUsable();
    // A pool's calls take the same parameters wherever they run: a worker's session's would refuse these.
    checkParamSets(request.paramSets);
    return this.#connection.runRequest<R>(request, options);
  }

  protected simple(sql: string): Promise<string> {
    this.checkUsable();
    return this.#connection.runSimple(sql);
  }

  /**
   * pool.transaction's last statement: the reset goes in the same write, a round trip (a write, a
   * read and a wake-up of the backend) fewer per transaction. It runs whether or not the COMMIT
   * succeeds, as the reset after it would. Not when the session prepared statements (they are
   * closed first) or the pool resets with SQL of its own making ('' with a reset function).
   */
  protected override endTransactionAndSession(sql: 'COMMIT' | 'ROLLBACK'): Promise<string> {
    this.checkUsable();
    this.#pinned.releasing();
    if (this.#prepared.size > 0 || this.#resetSql === '') return this.#connection.runSimple(sql);
    const [ended, reset] = this.#connection.runSimpleTogether([sql, this.#resetSql]);
    this.#resetSent = reset;
    // Awaited by #reset on release; a failure there closes the connection.
    reset.catch(() => undefined);
    return ended;
  }

  protected async watchNotifications(): Promise<void> {
    // The connection forwards every notification to this session already (see the constructor).
  }

  protected get portals(): PortalDriver {
    return this.#connection.sessionPortals;
  }

  // COPY (docs/copy.md): the main-thread connection's own, inline.
  copyRecordsToTable(table: string, options: CopyRecordsOptions): Promise<string> {
    this.checkUsable();
    return this.#connection.copyRecordsToTable(table, options);
  }

  copyColumnsToTable(table: string, options: CopyColumnsOptions): Promise<string> {
    this.checkUsable();
    return this.#connection.copyColumnsToTable(table, options);
  }

  copyToTable(table: string, options: CopyToTableOptions): Promise<string> {
    this.checkUsable();
    return this.#connection.copyToTable(table, options);
  }

  copyFromTable(table: string, options: CopyFromTableOptions): Promise<string> {
    this.checkUsable();
    return this.#connection.copyFromTable(table, options);
  }

  copyFromQuery(sql: string, params: readonly unknown[] | undefined, options: CopyFromQueryOptions): Promise<string> {
    this.checkUsable();
    return this.#connection.copyFromQuery(sql, params, options);
  }
}
