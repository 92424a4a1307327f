// connect(): resolve the options (DSN, environment, ~/.pgpass), open one connection inline on
// this thread, and wrap it in the public Connection.

import { ConfigError } from '../codec/errors/client-errors.js';
import type { PostgresErrorFields } from '../codec/errors/postgres-error.js';
import type { Notification } from '../codec/protocol/index.js';
import type { TypeOptions } from '../codec/types/codec.js';
import { resolveConnectionPlan, type ConnectionOptions } from '../worker/config/index.js';
import { openConnection } from '../worker/open-connection.js';
import { Connection } from './connection.js';
import type { PoolOptions } from './pool-options.js';
import type { PooledConnection } from './pooled-connection.js';

export interface ConnectOptions extends ConnectionOptions {
  /** Prepared statements kept per connection, least recently used evicted first; 0 disables. Default 100. */
  statementCacheSize?: number;
  /** ms a cached statement is reused before it is prepared again (asyncpg's max_cached_statement_lifetime); 0 = forever. Default 300 000. */
  maxCachedStatementLifetime?: number;
  /** SQL longer than this many bytes is not cached (asyncpg's max_cacheable_statement_size); 0 = no limit. Default 15 KiB. */
  maxCacheableStatementSize?: number;
  /**
   * Default timeout of every call, in ms (asyncpg's command_timeout); a call's own `timeout`
   * overrides it. A call past it is cancelled on the server. Default: none.
   */
  commandTimeout?: number;
  /**
   * After a call is cancelled (its timeout or signal), how many ms it may take to end before its
   * connection is closed with a ConnectionError (default 2000): a server that ignores the
   * cancel, or a stalled network, never leaves a call pending.
   */
  cancelGracePeriod?: number;
  /** How fetch() returns rows: 'object' (default) keyed by column name, or 'array'. */
  rowMode?: 'object' | 'array';
  /** JS representations of int8, numeric, date, timestamps, time, interval, json and bytea (docs/types.md). */
  types?: TypeOptions;
  /** Called with each NoticeResponse (RAISE NOTICE, warnings). Default: ignored. */
  onNotice?: (notice: PostgresErrorFields) => void;
  /** Called with each NOTIFY delivered to this session (after LISTEN). */
  onNotification?: (notification: Notification) => void;
  /**
   * Run the connection in a worker thread of its own: results are decoded there, off this
   * thread. Returns a PooledConnection (same methods; close() also stops the worker).
   */
  worker?: boolean;
}

async function connectInWorker(options: ConnectOptions): Promise<PooledConnection> {
  const { worker: _worker, onNotification, ...rest } = options;
  if (onNotification !== undefined) throw new ConfigError('connect({ worker: true }) takes no onNotification: use connection.listen(channel, handler)');
  // The pool (and piscina, comlink) is loaded only here: an inline connection starts faster without it.
  const { createPool } = await import('./pool.js');
  // A second connection, opened only if needed, serves type lookups (setTypeCodec) while the
  // first is pinned.
  const pool = createPool({ ...(rest as PoolOptions), workers: 1, connectionsPerWorker: 2 });
  try {
    const connection = await pool.acquire();
    connection.onClose = () => pool.close();
    connection.ownTypes = pool;
    return connection;
  } catch (error) {
    await pool.terminate();
    throw error;
  }
}

const defaultStatementCacheSize = 100;
const defaultCancelGracePeriod = 2_000;

function checkEngineOptions(options: ConnectOptions): void {
  for (const name of ['maxCachedStatementLifetime', 'maxCacheableStatementSize'] as const) {
    const value = options[name];
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) throw new ConfigError(`${name} must be a non-negative integer (0: no limit), got ${String(value)}`);
  }
  const size = options.statementCacheSize;
  if (size !== undefined && (!Number.isInteger(size) || size < 0)) {
    throw new ConfigError(`statementCacheSize must be a non-negative integer (0 disables the cache), got ${String(size)}`);
  }
  for (const name of ['commandTimeout', 'cancelGracePeriod'] as const) {
    const value = options[name];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)) {
      throw new ConfigError(`${name} must be a positive number of ms, got ${String(value)}`);
    }
  }
  if (options.rowMode !== undefined && options.rowMode !== 'object' && options.rowMode !== 'array') {
    throw new ConfigError(`rowMode must be 'object' or 'array', got ${String(options.rowMode)}`);
  }
}

/**
 * Open a connection. Accepts a DSN (`postgresql://user@host/db?sslmode=verify-full`), options,
 * or both (options override the DSN); unset values come from the libpq environment variables
 * (PGHOST, PGUSER, …), ~/.pgpass and libpq's defaults.
 */
export function connect(dsn: string, options: ConnectOptions & { worker: true }): Promise<PooledConnection>;
export function connect(options: ConnectOptions & { worker: true }): Promise<PooledConnection>;
export function connect(dsnOrOptions?: string | ConnectOptions, options?: ConnectOptions): Promise<Connection>;
export async function connect(dsnOrOptions?: string | ConnectOptions, options: ConnectOptions = {}): Promise<Connection | PooledConnection> {
  const merged: ConnectOptions = typeof dsnOrOptions === 'string' ? { ...options, dsn: dsnOrOptions } : { ...dsnOrOptions, ...options };
  if (merged.worker) return connectInWorker(merged);
  checkEngineOptions(merged);
  const plan = resolveConnectionPlan(merged);
  const engine = await openConnection(plan, {
    statementCacheSize: merged.statementCacheSize ?? defaultStatementCacheSize,
    maxCachedStatementLifetime: merged.maxCachedStatementLifetime,
    maxCacheableStatementSize: merged.maxCacheableStatementSize,
    types: merged.types ?? {},
    onNotice: merged.onNotice,
    onNotification: merged.onNotification,
  });
  return new Connection(engine, {
    rowMode: merged.rowMode ?? 'object',
    commandTimeout: merged.commandTimeout,
    cancelGracePeriod: merged.cancelGracePeriod ?? defaultCancelGracePeriod,
    directInt64: (merged.types?.int8 ?? 'bigint') === 'bigint',
  });
}
