// connect(): resolve the options (DSN, environment, ~/.pgpass), open one connection inline on
// this thread, and wrap it in the public Connection.

import { ConfigError } from '../codec/errors/client-errors.js';
import type { PostgresErrorFields } from '../codec/errors/postgres-error.js';
import type { Notification } from '../codec/protocol/index.js';
import type { TypeOptions } from '../codec/types/codec.js';
import type { ConnectionOptions } from '../worker/config/index.js';
import { connectInline } from './connect-inline.js';
import type { Connection } from './connection.js';
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
  // It serves the pinned session only: no main-thread connections.
  const pool = createPool({ ...(rest as PoolOptions), workers: 1, connectionsPerWorker: 2, mainThreadConnections: 0 });
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
  return connectInline(merged);
}
