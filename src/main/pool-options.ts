// createPool's options: checked on the calling thread so that a mistake fails createPool itself,
// then turned into the plain WorkerConfig every worker receives.

import { availableParallelism } from 'node:os';
import { ConfigError } from '../codec/errors/client-errors.js';
import type { PostgresErrorFields } from '../codec/errors/postgres-error.js';
import { resolveConnectionPlan, type ConnectionOptions } from '../worker/config/index.js';
import type { WorkerConfig } from '../worker/pool/contract.js';
import type { ConnectOptions } from './connect.js';
import type { PooledConnection } from './pooled-connection.js';

export interface PoolOptions extends Omit<ConnectOptions, 'onNotification' | 'password'> {
  /** A password string (a password function cannot reach the worker threads). */
  password?: string;
  /** Worker threads (default: the machine's available parallelism, at least 1). */
  workers?: number;
  /** Connections each worker owns at most (default 4); also the tasks a worker runs at once. */
  connectionsPerWorker?: number;
  /** Connections opened at start, spread over the workers (default 0: all opened on demand). */
  minConnections?: number;
  /** Close a connection after this many queries; 0 (default) never. */
  maxQueriesPerConnection?: number;
  /** Close a connection idle this many ms (default 300 000); 0 never. */
  maxInactiveConnectionLifetime?: number;
  /** Max ms a query waits for a free connection before failing (default: no limit). */
  acquireTimeout?: number;
  /**
   * After a call is cancelled (its timeout or signal), how many ms it may take to end before its
   * connection is destroyed and replaced (default 2000): a server that ignores the cancel, or a
   * stalled network, never holds a connection for longer.
   */
  cancelGracePeriod?: number;
  /** SQL run once on every new connection (e.g. SET statements). */
  init?: string;
  /**
   * Run each time a connection is pinned (acquire, withConnection, transaction, cursor): SQL, or
   * an async function given the pinned connection.
   */
  setup?: string | SessionHook;
  /**
   * Run when a pinned connection is released, instead of the default asyncpg-style reset
   * (ROLLBACK if needed, then pg_advisory_unlock_all, CLOSE ALL, UNLISTEN *, RESET ALL): SQL, or an
   * async function given the connection (if it throws, the connection is closed, not reused).
   */
  reset?: string | SessionHook;
  /** Rows per batch (default 65 536). */
  batchRows?: number;
  /** Wire bytes per batch before it is cut (default 4 MiB). */
  batchBytes?: number;
  /** Called on the main thread with the notices of each query. */
  onNotice?: (notice: PostgresErrorFields) => void;
  /**
   * Called on the main thread before each new connection is opened (asyncpg's `connect`): what it
   * resolves to is merged over the pool's connection options — e.g. a fresh password or IAM token,
   * or another host. It may not return functions (they cannot reach the worker threads).
   */
  connect?: () => Promise<ConnectArgs> | ConnectArgs;
  /**
   * The nice value of the worker threads, 0–19 (default 5; Linux only, where it is per thread):
   * on a busy machine decoding then yields the CPU to the main thread, whose event loop stays
   * responsive. 0 gives workers the main thread's priority.
   */
  workerNice?: number;
  /**
   * Connections the pool opens on the main thread (default: connectionsPerWorker; 0: none). A
   * one-shot call whose statement's last result had at most `mainThreadMaxRows` rows runs on
   * them inline, without a thread hop, and so does a pinned session (acquire, withConnection,
   * transaction) that finds one free; large or unknown results, cursors, streams and COPY to or
   * from files run in the workers. They are opened on demand, in addition to the workers' connections.
   */
  mainThreadConnections?: number;
  /** The most rows a statement's result may have to run on the main thread (default 1000). */
  mainThreadMaxRows?: number;
}

/** Linux lets a thread lower its own priority (raise its nice value) without privileges. */
const MAX_NICE = 19;

function positiveInteger(value: number | undefined, name: string, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new ConfigError(`${name} must be ${allowZero ? 'a non-negative' : 'a positive'} integer, got ${String(value)}`);
  }
  return value;
}

function positiveMs(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new ConfigError(`${name} must be a positive number of ms, got ${String(value)}`);
  return value;
}

/** The options that are the pool's own, not how to connect. */
const POOL_ONLY_OPTIONS = [
  'workers', 'connectionsPerWorker', 'minConnections', 'maxQueriesPerConnection', 'maxInactiveConnectionLifetime', 'acquireTimeout',
  'cancelGracePeriod', 'commandTimeout', 'init', 'setup', 'reset', 'batchRows', 'batchBytes', 'onNotice', 'rowMode', 'statementCacheSize', 'connect',
  'maxCachedStatementLifetime', 'maxCacheableStatementSize',
  'types', 'workerNice', 'worker', 'mainThreadConnections', 'mainThreadMaxRows',
] as const;

/** How to connect, without the pool's own options; checked (a bad DSN fails here) and named for logs. */
function connectionPart(options: PoolOptions): { connection: WorkerConfig['connection']; target: string } {
  const connection: Record<string, unknown> = { ...options };
  for (const name of POOL_ONLY_OPTIONS) delete connection[name];
  const plan = resolveConnectionPlan(connection);
  const where = plan.targets.map((t) => t.socketPath ?? `${t.host}:${t.port}`).join(',');
  return { connection: connection as WorkerConfig['connection'], target: `${plan.user}@${where}/${plan.startupParameters.database ?? plan.user}` };
}

/** What the connect callback returned, if it can be sent to a worker. */
function checkConnectArgs(args: ConnectArgs | undefined): WorkerConfig['connection'] {
  if (args === undefined || args === null) return {};
  if (typeof args !== 'object') throw new ConfigError(`the pool's connect callback must resolve to connection options (an object), got ${typeof args}`);
  for (const [name, value] of Object.entries(args)) {
    if (typeof value === 'function') throw new ConfigError(`the pool's connect callback returned a function as ${name}: only plain values can reach the worker threads`);
    if ((POOL_ONLY_OPTIONS as readonly string[]).includes(name)) throw new ConfigError(`the pool's connect callback returned ${name}, which belongs to the pool, not to a connection`);
  }
  return args as WorkerConfig['connection'];
}

/** pool.setConnectArgs: new connection options, checked as createPool checks them. */
export function resolveConnectArgs(dsnOrOptions: string | PoolOptions | undefined, extra: PoolOptions): { connection: WorkerConfig['connection']; target: string } {
  const options: PoolOptions = typeof dsnOrOptions === 'string' ? { ...extra, dsn: dsnOrOptions } : { ...dsnOrOptions, ...extra };
  const poolOnly = POOL_ONLY_OPTIONS.filter((name) => (options as Record<string, unknown>)[name] !== undefined);
  if (poolOnly.length > 0) throw new ConfigError(`setConnectArgs takes connection options only; ${poolOnly.join(', ')} belong to the pool and cannot change after createPool`);
  if (typeof (options as { password?: unknown }).password === 'function') {
    throw new ConfigError('setConnectArgs needs the password as a string: a password function cannot be sent to the worker threads');
  }
  return connectionPart(options);
}

/** A setup or reset callback: it runs on this thread, with the pinned connection. */
export type SessionHook = (connection: PooledConnection) => Promise<void>;

/** What a pool's connect callback returns: connection options (no functions). */
export type ConnectArgs = Omit<ConnectionOptions, 'password'> & { password?: string };

export interface ResolvedPoolOptions {
  /** The connect callback, checked and made safe to call from a worker. */
  connectArgs?: () => Promise<WorkerConfig['connection']>;
  /** user@host:port/database, for inspect and JSON: never the password. */
  target: string;
  /** Default timeout of every call, ms (undefined: none). */
  commandTimeout: number | undefined;
  setupHook?: SessionHook;
  resetHook?: SessionHook;
  worker: WorkerConfig;
  workers: number;
  acquireTimeout: number | undefined;
  rowMode: 'object' | 'array';
  onNotice?: (notice: PostgresErrorFields) => void;
  mainThread: { connections: number; maxRows: number };
}

export function resolvePoolOptions(dsnOrOptions: string | PoolOptions | undefined, extra: PoolOptions): ResolvedPoolOptions {
  const options: PoolOptions = typeof dsnOrOptions === 'string' ? { ...extra, dsn: dsnOrOptions } : { ...dsnOrOptions, ...extra };
  if (typeof (options as { password?: unknown }).password === 'function') {
    throw new ConfigError('createPool needs the password as a string: a password function cannot be sent to the worker threads');
  }
  if (options.rowMode !== undefined && options.rowMode !== 'object' && options.rowMode !== 'array') {
    throw new ConfigError(`rowMode must be 'object' or 'array', got ${String(options.rowMode)}`);
  }
  const workers = positiveInteger(options.workers, 'workers', Math.max(1, availableParallelism()));
  const connectionsPerWorker = positiveInteger(options.connectionsPerWorker, 'connectionsPerWorker', 4);
  const minConnections = positiveInteger(options.minConnections, 'minConnections', 0, true);
  if (minConnections > workers * connectionsPerWorker) {
    throw new ConfigError(`minConnections (${minConnections}) exceeds workers × connectionsPerWorker (${workers * connectionsPerWorker})`);
  }
  const workerNice = positiveInteger(options.workerNice, 'workerNice', 5, true);
  if (workerNice > MAX_NICE) throw new ConfigError(`workerNice must be an integer from 0 to ${MAX_NICE}, got ${workerNice}`);
  const acquireTimeout = options.acquireTimeout === undefined ? undefined : positiveInteger(options.acquireTimeout, 'acquireTimeout', 0);
  const cancelGracePeriod = positiveInteger(options.cancelGracePeriod, 'cancelGracePeriod', 2_000);
  const commandTimeout = positiveMs(options.commandTimeout, 'commandTimeout');
  const {
    maxQueriesPerConnection, maxInactiveConnectionLifetime, init, setup, reset, batchRows, batchBytes, onNotice, rowMode, statementCacheSize, types,
    maxCachedStatementLifetime, maxCacheableStatementSize,
  } = options;
  // Resolve once here so that a bad DSN or sslmode fails createPool, not the first query.
  const { connection, target } = connectionPart(options);
  if (init !== undefined && typeof init !== 'string') {
    throw new ConfigError('createPool: init must be SQL (a function cannot run in the worker threads that open connections); use setup for a function, or pool.setTypeCodec for codecs');
  }
  const connect = options.connect;
  if (connect !== undefined && typeof connect !== 'function') throw new ConfigError('createPool: connect must be a function returning connection options');
  return {
    target,
    commandTimeout,
    connectArgs: connect === undefined ? undefined : async () => checkConnectArgs(await connect()),
    setupHook: typeof setup === 'function' ? setup : undefined,
    resetHook: typeof reset === 'function' ? reset : undefined,
    workers,
    acquireTimeout,
    rowMode: rowMode ?? 'object',
    onNotice,
    mainThread: {
      connections: positiveInteger(options.mainThreadConnections, 'mainThreadConnections', connectionsPerWorker, true),
      maxRows: positiveInteger(options.mainThreadMaxRows, 'mainThreadMaxRows', 1000, true),
    },
    worker: {
      connection,
      connectionsPerWorker,
      minConnections: Math.ceil(minConnections / workers),
      maxQueriesPerConnection: positiveInteger(maxQueriesPerConnection, 'maxQueriesPerConnection', 0, true),
      maxInactiveConnectionLifetime: positiveInteger(maxInactiveConnectionLifetime, 'maxInactiveConnectionLifetime', 300_000, true),
      cancelGracePeriod,
      statementCacheSize: positiveInteger(statementCacheSize, 'statementCacheSize', 100, true),
      maxCachedStatementLifetime: positiveInteger(maxCachedStatementLifetime, 'maxCachedStatementLifetime', 300_000, true),
      maxCacheableStatementSize: positiveInteger(maxCacheableStatementSize, 'maxCacheableStatementSize', 15 * 1024, true),
      types: types ?? {},
      batchRows: positiveInteger(batchRows, 'batchRows', 65_536),
      batchBytes: positiveInteger(batchBytes, 'batchBytes', 4 * 1024 * 1024),
      init,
      setup: typeof setup === 'string' ? setup : undefined,
      // With a reset function the worker runs no reset SQL of its own (only ROLLBACK if needed).
      reset: typeof reset === 'function' ? '' : reset,
      nice: workerNice,
      connectArgsFromMain: connect !== undefined,
    },
  };
}
