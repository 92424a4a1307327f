// connect()'s connection: the engine runs inline on this thread. The query surface is the
// shared one (Queryable, Session); this file says how a statement runs here, with its timeout.

import { inspect } from 'node:util';
import { InterfaceError } from '../codec/errors/client-errors.js';
import type { PostgresErrorFields } from '../codec/errors/postgres-error.js';
import type { TypeCodecSpec } from '../codec/types/introspected/custom.js';
import type { BatchData } from '../codec/batch/index.js';
import type { PgConnection, TransactionStatus } from '../worker/connection.js';
import { ExtendedQuery, type QueryOutcome } from '../worker/operations/extended-query.js';
import { SimpleQuery } from '../worker/operations/simple-query.js';
import { PortalFetch } from '../worker/operations/portal.js';
import { closeOnServer, runSimpleQueries, runSimpleQuery, submit, type Submitted } from '../worker/requests.js';
import type { StatementDescription } from '../worker/statement.js';
import { cancelRunningQuery } from '../worker/cancel.js';
import { giveUpInline } from '../worker/give-up-inline.js';
import { lookupType } from '../worker/type-lookup.js';
import { BatchSink } from '../worker/pool/batch-sink.js';
import { cancelledError, giveUpError, notSentError, type SessionNotification } from '../worker/pool/contract.js';
import { columnsOf, type Column } from './columns.js';
import { CursorFactory, type CursorOptions, type PortalDriver, type PortalPage } from './cursor.js';
import { PreparedStatement, type PreparedHost, type PreparedStatementOptions } from './prepared-statement.js';
import type { CallOptions, RunOutcome, RunRequest } from './queryable.js';
import { RecordBatch, type ResultSchema } from './record-batch.js';
import { Result } from './result.js';
import { Session } from './session.js';
import { CallGuard } from './threads/call-guard.js';

export type { CallOptions, Row } from './queryable.js';
export type { CursorOptions } from './cursor.js';
import * as copy from './copy/copy-methods.js';
import { inlineCopyTarget } from './copy/inline-target.js';
import type { CopyColumnsOptions, CopyFromQueryOptions, CopyFromTableOptions, CopyRecordsOptions, CopyToTableOptions } from './copy/copy-options.js';

/** Which built-in codec a type should be exchanged with (setBuiltinTypeCodec). */
export interface BuiltinCodecOptions {
  /** The type's schema; default: as the search_path finds it. */
  schema?: string;
  /** A built-in type whose binary codec fits the type's wire format: 'text', 'int4', 'bytea', 'hstore', … */
  codecName: string;
}

/** @deprecated Use CallOptions: every call takes { signal, timeout, rowMode }. */
export type QueryOptions = CallOptions;

/** @deprecated query() returns a Result (the same type as the pool's). */
export type QueryResult<R = Record<string, unknown>> = Result<R>;

/** How connect() set the connection up (see ConnectOptions). */
export interface ConnectionSettings {
  rowMode: 'object' | 'array';
  /** Default timeout of every call, ms (undefined: none). */
  commandTimeout: number | undefined;
  /** How long a cancelled call may take to end before the connection is closed, ms. */
  cancelGracePeriod: number;
  /** int8 columns of query() results read straight from their BigInt64Array. */
  directInt64: boolean;
}

/** query() collects a result in batches this large. */
const RESULT_BATCH = { maxRows: 65_536, maxBytes: 4 * 1024 * 1024 };

const columnsByStatement = new WeakMap<StatementDescription, Column[]>();

function columnsFor(statement: StatementDescription): Column[] {
  let columns = columnsByStatement.get(statement);
  if (columns === undefined) {
    columns = columnsOf(statement);
    columnsByStatement.set(statement, columns);
  }
  return columns;
}

/** @internal Where a pool's pinned session on this connection hears what the server sends it. */
export interface ForwardedEvents {
  notification(notification: SessionNotification): void;
  notice(notice: PostgresErrorFields): void;
}

export class Connection extends Session {
  readonly #engine: PgConnection;
  readonly #settings: ConnectionSettings;
  #statementCounter = 0;
  #closed = false;
  #forward: ForwardedEvents | undefined;

  /** @internal Use connect(). */
  constructor(engine: PgConnection, settings: ConnectionSettings) {
    super();
    this.#engine = engine;
    this.#settings = settings;
    const { onNotice, onNotification } = engine.options;
    engine.options.onNotice = (notice) => {
      onNotice?.(notice);
      this.deliverNotice(notice);
      this.#forward?.notice(notice);
    };
    engine.options.onNotification = (notification) => {
      onNotification?.(notification);
      this.deliverNotification(notification);
      this.#forward?.notification(notification);
    };
    engine.options.onLost = (error) => this.terminated(error);
  }

  protected get defaultRowMode(): 'object' | 'array' {
    return this.#settings.rowMode;
  }

  /** Server settings reported at startup and after SET (server_version, TimeZone, …). */
  get parameters(): ReadonlyMap<string, string> {
    return this.#engine.parameters;
  }

  get serverVersion(): string | undefined {
    return this.#engine.serverVersion;
  }

  /** The backend's process id (pg_backend_pid()). */
  get processId(): number {
    return this.#engine.processId;
  }

  get transactionStatus(): TransactionStatus {
    return this.#engine.transactionStatus;
  }

  get closed(): boolean {
    return this.#engine.broken !== undefined || this.#closed;
  }

  /** Prepare a statement once; run it many times without re-parsing. */
  async prepare(sql: string, options: PreparedStatementOptions & CallOptions = {}): Promise<PreparedStatement> {
    const name = options.name ?? `pgloom_p${++this.#statementCounter}`;
    if (typeof name !== 'string' || name.length === 0) throw new InterfaceError('a prepared statement name must be a non-empty string');
    const engine = this.#engine;
    const prepared = submit<QueryOutcome>(engine, (resolve, reject) => new ExtendedQuery({ sql, paramSets: [], rowMode: 'none', prepareAs: name }, resolve, reject));
    const { statement } = await this.#await(prepared, this.#guardFor(options));
    const host: PreparedHost = {
      run: (request, callOptions) => this.#execute(request, callOptions, statement),
      cursor: <R>(params: readonly unknown[], cursorOptions: CursorOptions) => new CursorFactory<R>(this.#portalsFor(statement), `pgloom_cursor_${name}_${++this.#statementCounter}`, sql, params, cursorOptions.rowMode ?? this.defaultRowMode, cursorOptions),
      explain: (params, analyze, callOptions) => explainOn(this, sql, params, analyze, callOptions),
      close: () => closeOnServer(engine, 'S', name),
      rowMode: this.defaultRowMode,
    };
    return new PreparedStatement(name, sql, columnsFor(statement), statement.paramOids, host);
  }

  /**
   * Ask the server to cancel the statement running now on this connection: it then rejects with
   * QueryCanceledError (57014) and the connection stays usable. Like PQcancel, this is a request:
   * a statement that finishes before it arrives is not affected, and nothing is cancelled when the
   * connection is idle.
   */
  async cancel(): Promise<void> {
    const sent = this.closed ? undefined : cancelRunningQuery(this.#engine);
    if (sent === undefined) throw new InterfaceError('cancel(): the connection is closed');
    await sent;
  }

  /**
   * Forget every type introspected so far (composites, enums, domains, extension types), as
   * asyncpg's reload_schema_state: call it after ALTER TYPE or DROP/CREATE TYPE so the next query
   * introspects them again. Custom codecs stay.
   */
  async reloadSchemaState(): Promise<void> {
    this.#engine.types.reset();
  }

  /**
   * Decode (and encode) the type `typeName` with your own functions, in the given wire format:
   * 'text' (strings in PostgreSQL's text form), 'binary' (the value's bytes) or 'tuple' (for
   * composite and range types: the already-decoded parts). See docs/types.md.
   */
  async setTypeCodec<T>(typeName: string, spec: TypeCodecSpec<T>): Promise<void> {
    const oid = await lookupType(this.#engine, typeName, spec.schema);
    this.#engine.types.setCustomCodec(oid, spec);
  }

  /** Exchange `typeName` with the codec of a built-in type whose binary format it shares (e.g. an extension's text-like type as 'text'). */
  async setBuiltinTypeCodec(typeName: string, options: BuiltinCodecOptions): Promise<void> {
    const oid = await lookupType(this.#engine, typeName, options.schema);
    this.#engine.types.setBuiltinCodec(oid, options.codecName);
  }

  /** Undo setTypeCodec / setBuiltinTypeCodec for `typeName`. */
  async resetTypeCodec(typeName: string, options: { schema?: string } = {}): Promise<void> {
    const oid = await lookupType(this.#engine, typeName, options.schema);
    this.#engine.types.resetCodec(oid);
  }

  /** Close gracefully: queued queries finish first. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#engine.close();
    this.terminated(undefined);
  }

  /** Close at once: queued queries fail. */
  terminate(): void {
    this.#closed = true;
    this.#engine.destroy();
    this.terminated(undefined);
  }

  /** What the connection is, never how it authenticated: safe to log. */
  toJSON(): Record<string, unknown> {
    return { processId: this.processId, serverVersion: this.serverVersion, transactionStatus: this.transactionStatus, closed: this.closed };
  }

  [inspect.custom](): string {
    return `Connection { processId: ${this.processId}, serverVersion: '${this.serverVersion ?? ''}', transactionStatus: '${this.transactionStatus}'${this.closed ? ', closed' : ''} }`;
  }

  protected run<R>(request: RunRequest, options: CallOptions): Promise<RunOutcome<R>> {
    return this.#execute<R>(request, options, undefined);
  }

  /** @internal Calls wait to go out in one write at the end of this turn (the pool's lane joins them). */
  get writeDueThisTurn(): boolean {
    return this.#engine.writeDueThisTurn;
  }

  /** @internal The pool's main-thread connections run its one-shot calls through this. */
  runRequest<R>(request: RunRequest, options: CallOptions): Promise<RunOutcome<R>> {
    return this.run<R>(request, options);
  }

  protected simple(sql: string): Promise<string> {
    return runSimpleQuery(this.#engine, sql);
  }

  /** @internal A pool's main-thread session: SQL by the simple protocol (several statements allowed). */
  runSimple(sql: string): Promise<string> {
    return this.simple(sql);
  }

  /** @internal A pool's main-thread session: SQL statements sent in one write, each its own simple query. */
  runSimpleTogether(sqls: readonly string[]): Promise<string>[] {
    return runSimpleQueries(this.#engine, sqls);
  }

  /** @internal A pool's main-thread session: its cursors' portals are this connection's. */
  get sessionPortals(): PortalDriver {
    return this.portals;
  }

  /** @internal A pool's main-thread session hears this connection's notifications and notices (undefined: no more). */
  forwardEvents(to: ForwardedEvents | undefined): void {
    this.#forward = to;
  }

  protected get usable(): boolean {
    return !this.closed;
  }

  protected async watchNotifications(): Promise<void> {
    // The engine delivers every notification to this object already (see the constructor).
  }

  protected get portals(): PortalDriver {
    return this.#portalsFor(undefined);
  }

  #portalsFor(statement: StatementDescription | undefined): PortalDriver {
    const engine = this.#engine;
    const statements = new Map<string, StatementDescription>();
    return {
      open: async <R>(sql: string, params: readonly unknown[], portal: string, maxRows: number, rowMode: 'object' | 'array', options: CallOptions): Promise<PortalPage<R>> => {
        const opened = submit<QueryOutcome>(engine, (resolve, reject) => new ExtendedQuery({ sql, paramSets: [params], rowMode, portal, maxRows, statement }, resolve, reject));
        const outcome = await this.#await(opened, this.#guardFor(options));
        statements.set(portal, outcome.statement);
        return { rows: outcome.rows as R[], suspended: outcome.suspended };
      },
      fetch: async <R>(portal: string, maxRows: number, rowMode: 'object' | 'array', options: CallOptions): Promise<PortalPage<R>> => {
        const described = statements.get(portal);
        if (described === undefined) throw new InterfaceError(`no open cursor named ${portal}`);
        const fetched = submit<QueryOutcome>(engine, (resolve, reject) => new PortalFetch(portal, described, maxRows, rowMode, resolve, reject));
        const outcome = await this.#await(fetched, this.#guardFor(options));
        return { rows: outcome.rows as R[], suspended: outcome.suspended };
      },
      simple: (sql, options) => this.#await(submit<string>(engine, (resolve, reject) => new SimpleQuery(sql, resolve, reject)), this.#guardFor(options)),
      close: async (portal) => {
        statements.delete(portal);
        await closeOnServer(engine, 'P', portal);
      },
      inTransaction: () => engine.transactionStatus === 'transaction',
      usable: () => !this.closed,
    };
  }

  /** One statement inline: rows decoded as they arrive, or collected in batches for a Result. */
  async #execute<R>(request: RunRequest, options: CallOptions, statement: StatementDescription | undefined): Promise<RunOutcome<R>> {
    const engine = this.#engine;
    const guard = this.#guardFor(options);
    if (request.simple && statement === undefined) {
      const command = await this.#await(submit<string>(engine, (resolve, reject) => new SimpleQuery(request.sql, resolve, reject)), guard);
      return { command, rowCount: null, columns: [], rows: [] };
    }
    const batches: BatchData[] = [];
    const sink = request.want === 'result' ? new BatchSink(RESULT_BATCH, (batch) => batches.push(batch)) : undefined;
    const rowMode = request.want === 'rows' || request.want === 'first' ? request.rowMode : 'none';
    const submitted = submit<QueryOutcome>(engine, (resolve, reject) => new ExtendedQuery({ sql: request.sql, paramSets: request.paramSets, rowMode, sink, statement }, resolve, reject));
    const outcome = await this.#await(submitted, guard);
    const columns = columnsFor(outcome.statement);
    if (sink === undefined) return { command: outcome.command, rowCount: outcome.rowCount, columns, rows: outcome.rows as R[] };
    sink.flush();
    const schema: ResultSchema = { columns, codecs: outcome.statement.resultCodecs, formats: outcome.statement.resultFormats, directInt64: this.#settings.directInt64, rowMode: request.rowMode };
    const result = new Result<R>(outcome.command, outcome.rowCount, columns, batches.map((batch) => new RecordBatch<R>(batch, schema)), outcome.statement.resultFormats, schema);
    return { command: outcome.command, rowCount: outcome.rowCount, columns, result };
  }

  /** A guard when the call has a signal or a timeout (its own or the commandTimeout). */
  #guardFor(options: CallOptions): CallGuard | undefined {
    const timeout = options.timeout ?? this.#settings.commandTimeout;
    if (options.signal === undefined && timeout === undefined) return undefined;
    const guard = new CallGuard({ signal: options.signal, timeout });
    guard.checkNotAborted();
    return guard;
  }

  /** The call's end, or its give-up: rejects at once, and the statement is withdrawn or cancelled (see giveUpInline). */
  #await<T>(submitted: Submitted<T>, guard: CallGuard | undefined): Promise<T> {
    if (guard === undefined) return submitted.done;
    // After a give-up nobody awaits the statement's own end.
    submitted.done.catch(() => undefined);
    const givenUp = new Promise<never>((_, reject) => guard.watch((reason) => {
      const outcome = giveUpInline(this.#engine, submitted as Submitted<unknown>, this.#settings.cancelGracePeriod);
      if (outcome === 'withdrawn') reject(notSentError(reason));
      else if (outcome === 'draining') reject(giveUpError(reason, `${reason === 'timeout' ? `ran past its timeout of ${guard.timeout} ms` : 'was aborted'}; it was not cancelled on the server because later calls were already pipelined behind it, so it runs to its end (or the connection is closed after the grace period)`));
      else reject(cancelledError(reason, guard.timeout));
    }));
    return Promise.race([submitted.done, givenUp]).finally(() => guard.dispose());
  }

  // COPY (docs/copy.md; the logic is in ./copy)
  /** Binary COPY of records (arrays or objects) into `table`; resolves with the command tag ('COPY 1000'). */
  copyRecordsToTable(table: string, options: CopyRecordsOptions): Promise<string> { return copy.copyRecordsToTable(this, inlineCopyTarget(this.#engine, this.#settings.cancelGracePeriod), table, options); } // COPY
  /** Binary COPY of columns (typed arrays or value arrays, a RecordBatch or Result, an Arrow table) into `table`, without building rows. */
  copyColumnsToTable(table: string, options: CopyColumnsOptions): Promise<string> { return copy.copyColumnsToTable(this, inlineCopyTarget(this.#engine, this.#settings.cancelGracePeriod), table, options); } // COPY
  /** COPY FROM STDIN of text, CSV or binary bytes from a Readable, a file path, bytes or an iterable. */
  copyToTable(table: string, options: CopyToTableOptions): Promise<string> { return copy.copyToTable(inlineCopyTarget(this.#engine, this.#settings.cancelGracePeriod), table, options); } // COPY
  /** COPY `table` TO STDOUT into a Writable, a file path or a function. */
  copyFromTable(table: string, options: CopyFromTableOptions): Promise<string> { return copy.copyFromTable(inlineCopyTarget(this.#engine, this.#settings.cancelGracePeriod), table, options); } // COPY
  /** COPY (`sql`) TO STDOUT into a Writable, a file path or a function. */
  copyFromQuery(sql: string, params: readonly unknown[] | undefined, options: CopyFromQueryOptions): Promise<string> { return copy.copyFromQuery(inlineCopyTarget(this.#engine, this.#settings.cancelGracePeriod), sql, params, options); } // COPY
}

/** EXPLAIN (FORMAT JSON) of `sql`; with `analyze` the statement runs in a transaction rolled back. */
export async function explainOn(session: Session, sql: string, params: readonly unknown[], analyze: boolean, options: CallOptions): Promise<unknown> {
  const explain = `EXPLAIN (FORMAT JSON${analyze ? ', ANALYZE' : ''}) ${sql}`;
  if (!analyze) return parsePlan(await session.fetchval(explain, params, 0, options));
  const transaction = session.transaction();
  await transaction.start();
  try {
    return parsePlan(await session.fetchval(explain, params, 0, options));
  } finally {
    await transaction.rollback();
  }
}

function parsePlan(plan: unknown): unknown {
  return typeof plan === 'string' ? JSON.parse(plan) : plan;
}

export type { PostgresErrorFields };
export type { Transaction } from './transaction-runner.js';
