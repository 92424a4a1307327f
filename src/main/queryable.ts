// The one query surface (asyncpg's): execute, query, fetch, fetchrow, fetchval, fetchmany and
// executemany, written once over one abstract run. Connection, PooledConnection and Pool differ
// only in how they run a statement; options, checks, errors and query loggers are the same.

import { InterfaceError } from '../codec/errors/client-errors.js';
import { checkParams } from './check-params.js';
import type { Column } from './columns.js';
import { QueryLoggers, type QueryLogger } from './query-loggers.js';
import type { Result } from './result.js';
import { checkGuardOptions } from './threads/call-guard.js';

/** A row as `fetch` returns it by default: column name → value. */
export type Row = Record<string, unknown>;

export interface CallOptions {
  /** Abort the call: a running statement is sent a CancelRequest (one that already finished keeps its effects); the connection stays usable. */
  signal?: AbortSignal;
  /** Give up after this many ms (default: the connection's or pool's commandTimeout); a running statement is sent a CancelRequest. */
  timeout?: number;
  /** 'object' (default) or 'array' rows. */
  rowMode?: 'object' | 'array';
}

/** What a class's run is asked for. */
export interface RunRequest {
  sql: string;
  /** One parameter array per execution; several run pipelined and atomically. */
  paramSets: readonly (readonly unknown[])[];
  /**
   * 'rows': every row; 'first': at least the first row (when there is one); 'result': a Result
   * (columnar batches); 'none': the command tag only.
   */
  want: 'rows' | 'first' | 'result' | 'none';
  rowMode: 'object' | 'array';
  /** No parameters and no rows wanted: the simple protocol, so `sql` may hold several statements. */
  simple: boolean;
}

export interface RunOutcome<R = unknown> {
  command: string;
  rowCount: number | null;
  columns: readonly Column[];
  /** Set for want 'rows' and 'first'. */
  rows?: R[];
  /** Set for want 'result'. */
  result?: Result<R>;
}

/** The checks every call makes before anything is sent. */
export function checkCallOptions(options: CallOptions): void {
  checkGuardOptions(options);
  const { rowMode } = options;
  if (rowMode !== undefined && rowMode !== 'object' && rowMode !== 'array') {
    throw new InterfaceError(`rowMode must be 'object' or 'array', got ${String(rowMode)}`);
  }
}

function checkParamRows(paramRows: readonly (readonly unknown[])[], method: string): void {
  if (!Array.isArray(paramRows)) throw new InterfaceError(`${method} takes an array of parameter arrays, e.g. ${method}(sql, [[1, 'a'], [2, 'b']])`);
  for (const params of paramRows) checkParams(params);
}

/** `column` of a result with `columns`: its index, or an InterfaceError naming the columns there are. */
export function columnIndex(columns: readonly Column[], column: number | string): number {
  const index = typeof column === 'number' ? column : columns.findIndex((c) => c.name === column);
  if (!Number.isInteger(index) || index < 0 || index >= columns.length) {
    throw new InterfaceError(`fetchval: the result has no column ${JSON.stringify(column)}; its columns are ${JSON.stringify(columns.map((c) => c.name))}`);
  }
  return index;
}

export abstract class Queryable {
  readonly #loggers = new QueryLoggers();

  /** How this class runs one statement (checked already; loggers and error decoration are the base's). */
  protected abstract run<R>(request: RunRequest, options: CallOptions): Promise<RunOutcome<R>>;

  /** The row mode when a call names none. */
  protected abstract get defaultRowMode(): 'object' | 'array';

  /**
   * Run a command and return its status tag (e.g. 'INSERT 0 1'). Without parameters the simple
   * protocol is used, so `sql` may hold several statements; the tag is the last one's.
   */
  async execute(sql: string, params: readonly unknown[] = [], options: CallOptions = {}): Promise<string> {
    checkParams(params);
    const outcome = await this.call<unknown>(sql, params.length === 0 ? [] : [params], 'none', options, params.length === 0);
    return outcome.command;
  }

  /** Run a query; rows come as columnar batches, with plain rows built from them on demand (see Result). */
  async query<R = Row>(sql: string, params: readonly unknown[] = [], options: CallOptions = {}): Promise<Result<R>> {
    return (await this.call<R>(sql, [checkParams(params)], 'result', options)).result!;
  }

  /** All rows, as plain objects (or arrays with rowMode 'array'). */
  async fetch<R = Row>(sql: string, params: readonly unknown[] = [], options: CallOptions = {}): Promise<R[]> {
    return (await this.call<R>(sql, [checkParams(params)], 'rows', options)).rows!;
  }

  /** The first row, or null when there is none. */
  async fetchrow<R = Row>(sql: string, params: readonly unknown[] = [], options: CallOptions = {}): Promise<R | null> {
    const rows = (await this.call<R>(sql, [checkParams(params)], 'first', options)).rows!;
    return rows.length === 0 ? null : rows[0];
  }

  /**
   * One value of the first row: column by index (default 0) or name; null when there is no row,
   * or when the statement returns no columns at all (it still runs, as asyncpg's).
   */
  async fetchval<V = unknown>(sql: string, params: readonly unknown[] = [], column: number | string = 0, options: CallOptions = {}): Promise<V | null> {
    const outcome = await this.call<unknown[]>(sql, [checkParams(params)], 'first', { ...options, rowMode: 'array' });
    if (outcome.columns.length === 0) return null;
    const index = columnIndex(outcome.columns, column);
    const row = outcome.rows![0];
    return row === undefined ? null : (row[index] as V);
  }

  /** Run one statement once per parameter array, pipelined and atomic, and return every execution's rows in order. */
  async fetchmany<R = Row>(sql: string, paramRows: readonly (readonly unknown[])[], options: CallOptions = {}): Promise<R[]> {
    checkParamRows(paramRows, 'fetchmany');
    if (paramRows.length === 0) return [];
    return (await this.call<R>(sql, paramRows, 'rows', options)).rows!;
  }

  /**
   * Run one statement once per parameter array, pipelined in one round trip and atomic: all
   * executions commit together, or (on any error) none does.
   */
  async executemany(sql: string, paramRows: readonly (readonly unknown[])[], options: CallOptions = {}): Promise<void> {
    checkParamRows(paramRows, 'executemany');
    checkCallOptions(options);
    if (paramRows.length === 0) return;
    await this.call<unknown>(sql, paramRows, 'none', options);
  }

  /**
   * Call `logger` after every statement this object runs, with its SQL, parameter count,
   * elapsed time, row count and error (asyncpg's add_query_logger). Parameters' values are not
   * passed: they may hold secrets.
   */
  addQueryLogger(logger: QueryLogger): void {
    this.#loggers.add(logger);
  }

  removeQueryLogger(logger: QueryLogger): void {
    this.#loggers.remove(logger);
  }

  /** @internal The base of every statement: checks, the run, loggers, and errors that name the query. */
  protected async call<R>(sql: string, paramSets: readonly (readonly unknown[])[], want: RunRequest['want'], options: CallOptions, simple = false): Promise<RunOutcome<R>> {
    if (typeof sql !== 'string') throw new InterfaceError(`the query must be a string of SQL, got ${sql === null ? 'null' : typeof sql}`);
    checkCallOptions(options);
    const request: RunRequest = { sql, paramSets, want, rowMode: options.rowMode ?? this.defaultRowMode, simple };
    const started = this.#loggers.active ? performance.now() : 0;
    try {
      const outcome = await this.run<R>(request, options);
      if (this.#loggers.active) this.#loggers.log(request, performance.now() - started, outcome);
      return outcome;
    } catch (error) {
      nameQuery(error, sql);
      if (this.#loggers.active) this.#loggers.log(request, performance.now() - started, undefined, error);
      throw error;
    }
  }
}

// A statement that sets a password must not carry it into an error or a log.
const PASSWORD_LITERAL = /(\bpassword\s+)(?:E?'(?:[^']|'')*'|\$\$[^]*?\$\$)/gi;

/** The SQL with password literals replaced by '***'. */
export function redactSql(sql: string): string {
  return sql.replace(PASSWORD_LITERAL, "$1'***'");
}

/** Errors carry the SQL that raised them (as asyncpg's), for logs and debugging. */
export function nameQuery(error: unknown, sql: string): void {
  if (error instanceof Error && !('query' in error)) {
    Object.defineProperty(error, 'query', { value: redactSql(sql), enumerable: false, configurable: true, writable: true });
  }
}
