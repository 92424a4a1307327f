// Partitioned parallel fetch (ConnectorX's idea): one query split into k range queries on a
// numeric, date or timestamp column, run on k pinned connections at once — spread over the
// workers, so k threads decode while the server scans — and joined into one Result in range
// order. With `consistent: 'snapshot'` (the default) every partition reads the same snapshot,
// exported by the first connection (pg_export_snapshot); a standby cannot export one.

import { InterfaceError } from '../codec/errors/client-errors.js';
import { PostgresError } from '../codec/errors/postgres-error.js';
import type { WorkerPooledConnection } from './threads/worker-pooled-connection.js';
import type { CallOptions } from './queryable.js';
import type { RecordBatch } from './record-batch.js';
import { Result } from './result.js';

export interface PartitionOptions {
  /** The result column whose range is split (numeric, date, timestamp or timestamptz). */
  partitionOn: string;
  /** How many range queries run at once (default: the pool's worker count × 2, at most its connections). */
  partitions?: number;
  /**
   * The cut points between partitions, ascending, in the column's type (numbers, bigints, strings
   * as PostgreSQL reads them, or Dates): k − 1 of them make k partitions — the first takes every
   * value below the first cut (and NULLs), the last every value from the last cut on — so no row
   * is lost, and no range scan is needed first. Overrides `partitions`.
   */
  cuts?: readonly (number | bigint | string | Date)[];
  /**
   * 'snapshot' (default): every partition reads one snapshot, exported by the first connection
   * (needs a primary); 'none': each reads its own (faster to start, and possible on a standby,
   * but rows changing meanwhile may be missed or seen twice).
   */
  consistent?: 'snapshot' | 'none';
}

/** What the pool lends a partitioned query. */
export interface PartitionHost {
  acquire(options: CallOptions): Promise<WorkerPooledConnection>;
  /** A connection only if one is free now (undefined otherwise): never waits while holding others. */
  acquireIfFree(options: CallOptions): Promise<WorkerPooledConnection | undefined>;
  /** The pool's connections in all: more partitions than this could never all run at once. */
  capacity: number;
  defaultPartitions: number;
}

function quoteIdentifier(name: string): string {
  if (typeof name !== 'string' || name.length === 0 || name.includes('\0')) throw new InterfaceError('partitionOn must name a column of the result');
  return `"${name.replace(/"/g, '""')}"`;
}

function checkPartitions(options: PartitionOptions, host: PartitionHost): number {
  if (options.cuts !== undefined && (!Array.isArray(options.cuts) || options.cuts.length === 0)) throw new InterfaceError('cuts must be a non-empty array of the values between partitions');
  const k = options.cuts !== undefined ? options.cuts.length + 1 : options.partitions ?? host.defaultPartitions;
  if (!Number.isInteger(k) || k < 1) throw new InterfaceError(`partitions must be a positive integer, got ${String(k)}`);
  if (k > host.capacity) throw new InterfaceError(`partitions (${k}) exceeds the pool's connections (${host.capacity}): they could never all run at once; ask for at most ${host.capacity}`);
  if (options.consistent !== undefined && options.consistent !== 'snapshot' && options.consistent !== 'none') {
    throw new InterfaceError(`consistent must be 'snapshot' or 'none', got ${String(options.consistent)}`);
  }
  return k;
}

const INTEGER_TYPES = new Set(['smallint', 'integer', 'bigint']);
const NUMBER_TYPES = new Set(['real', 'double precision', 'numeric']);
const TIME_TYPES = new Set(['date', 'timestamp without time zone', 'timestamp with time zone']);

/** SQL giving the k + 1 bounds from $1 (the lowest value) to $2 (the highest), as text. */
function boundsSql(type: string, k: number): string {
  const step = (expression: string) => `select array(select (${expression})::text from generate_series(0, ${k}) i)`;
  if (INTEGER_TYPES.has(type)) return step(`floor($1::numeric + ($2::numeric - $1::numeric) * i / ${k})`);
  if (NUMBER_TYPES.has(type)) return step(`$1::numeric + ($2::numeric - $1::numeric) * i / ${k}`);
  if (TIME_TYPES.has(type)) return step(`$1::${type} + ($2::${type} - $1::${type}) * i / ${k}`);
  throw new InterfaceError(`partitionOn needs a numeric, date or timestamp column; this one is ${type}`);
}

/** The partitions of one query, each with its pinned connection, inside one snapshot. */
interface OpenPartitions {
  /** One statement per partition (one in all when the column holds no value), spread over the connections. */
  parts: { connection: WorkerPooledConnection; sql: string; params: readonly unknown[] }[];
  connections: WorkerPooledConnection[];
}

/**
 * Pin up to k connections, begin (sharing one snapshot), and write each partition's statement.
 * Only the first connection is waited for; the others are taken if free now, and partitions
 * share connections when fewer were free. Waiting for more while holding some let concurrent
 * partitioned queries each hold part of the pool and wait for the rest forever.
 */
async function openPartitions(host: PartitionHost, sql: string, params: readonly unknown[], options: CallOptions & PartitionOptions, connections: WorkerPooledConnection[]): Promise<OpenPartitions> {
  const k = checkPartitions(options, host);
  const column = quoteIdentifier(options.partitionOn);
  const { consistent = 'snapshot' } = options;
  const callOptions = callOptionsOf(options);
  connections.push(await host.acquire(callOptions));
  while (connections.length < k) {
    const more = await host.acquireIfFree(callOptions);
    if (more === undefined) break;
    connections.push(more);
  }
  const [first, ...others] = connections;
  await first.execute('BEGIN ISOLATION LEVEL REPEATABLE READ', [], callOptions);
  if (consistent === 'snapshot') {
    const snapshot = await first.fetchval<string>('select pg_export_snapshot()', [], 0, callOptions).catch((error: unknown) => {
      // The server's refusal (a standby) is explained; a timeout, an abort or a lost connection is itself.
      if (!(error instanceof PostgresError)) throw error;
      throw new InterfaceError(`a partitioned query could not share one snapshot (${(error as Error).message}): on a standby, pass consistent: 'none'`, { cause: error });
    });
    await Promise.all(others.map(async (connection) => {
      await connection.execute('BEGIN ISOLATION LEVEL REPEATABLE READ', [], callOptions);
      await connection.execute(`SET TRANSACTION SNAPSHOT '${snapshot!.replace(/'/g, "''")}'`, [], callOptions);
    }));
  } else {
    await Promise.all(others.map((connection) => connection.execute('BEGIN ISOLATION LEVEL REPEATABLE READ', [], callOptions)));
  }
  if (options.cuts !== undefined) return { parts: await cutPartitions(first, connections, k, sql, params, column, options.cuts, callOptions), connections };
  // The range, then its k + 1 bounds, computed by the server in the column's own type and
  // handed back as text, so that no value passes through a JS number or Date on the way.
  const n = params.length;
  const range = await first.fetchrow<[string | null, string | null, string | null]>(
    `select pg_typeof(min(q.${column}))::text, min(q.${column})::text, max(q.${column})::text from (${sql}) as q`,
    params, { ...callOptions, rowMode: 'array' });
  const [type, low, high] = range ?? [null, null, null];
  for (const bound of [low, high]) {
    if (bound !== null && /^-?(infinity|nan)$/i.test(bound)) throw new InterfaceError(`partitionOn: the column ${options.partitionOn} holds ${bound}, which has no place in a range split: filter it out or partition on another column`);
  }
  const edges = type === null || low === null || high === null ? undefined : await first.fetchval<string[]>(boundsSql(type, k), [low, high], 0, callOptions);
  // No row has a value in the column: one query returns every row (the NULLs, or none).
  if (type === null || edges === undefined || edges === null) return { parts: [{ connection: first, sql, params }], connections };
  const parts = Array.from({ length: k }, (_, i) => {
    const connection = connections[i % connections.length];
    const lower = `q.${column} >= $${n + 1}::text::${type}`;
    const upper = i === k - 1 ? `q.${column} <= $${n + 2}::text::${type}` : `q.${column} < $${n + 2}::text::${type}`;
    // Rows whose column is NULL belong to the first partition.
    const where = i === 0 ? `(${lower} and ${upper}) or q.${column} is null` : `${lower} and ${upper}`;
    return { connection, sql: `select * from (${sql}) as q where ${where}`, params: [...params, edges[i], edges[i + 1]] };
  });
  return { parts, connections };
}

/** Partitions between given cut points: open-ended at both ends, so every row has one. */
async function cutPartitions(first: WorkerPooledConnection, connections: WorkerPooledConnection[], k: number, sql: string, params: readonly unknown[], column: string, cuts: readonly (number | bigint | string | Date)[], callOptions: CallOptions): Promise<OpenPartitions['parts']> {
  // The column's type, from the statement's description (no row is read).
  const described = await first.query(`select q.${column} from (${sql}) as q limit 0`, params, callOptions);
  const type = described.columns[0].typeName;
  if (type === undefined) throw new InterfaceError(`partitionOn: the column's type (oid ${described.columns[0].typeOid}) has no name pgloom knows`);
  const texts = cuts.map((cut) => (cut instanceof Date ? cut.toISOString() : String(cut)));
  const n = params.length;
  return Array.from({ length: k }, (_, i) => {
    const connection = connections[i % connections.length];
    const conditions: string[] = [];
    const extra: string[] = [];
    if (i > 0) {
      extra.push(texts[i - 1]);
      conditions.push(`q.${column} >= $${n + extra.length}::text::${type}`);
    }
    if (i < k - 1) {
      extra.push(texts[i]);
      conditions.push(`q.${column} < $${n + extra.length}::text::${type}`);
    }
    const where = i === 0 ? `${conditions.join(' and ')} or q.${column} is null` : conditions.join(' and ');
    return { connection, sql: `select * from (${sql}) as q where ${where}`, params: [...params, ...extra] };
  });
}

function callOptionsOf(options: CallOptions & PartitionOptions): CallOptions {
  const { partitionOn: _p, partitions: _k, consistent: _c, cuts: _b, ...callOptions } = options;
  return callOptions;
}

async function closePartitions(connections: WorkerPooledConnection[], commit: boolean): Promise<void> {
  try {
    if (commit) await Promise.all(connections.map((connection) => connection.execute('COMMIT')));
  } finally {
    await Promise.all(connections.map((connection) => connection.release().catch(() => undefined)));
  }
}

export async function partitionedQuery<R>(host: PartitionHost, sql: string, params: readonly unknown[], options: CallOptions & PartitionOptions): Promise<Result<R>> {
  const connections: WorkerPooledConnection[] = [];
  let done = false;
  try {
    const { parts } = await openPartitions(host, sql, params, options, connections);
    const callOptions = callOptionsOf(options);
    const results = await Promise.all(parts.map((part) => part.connection.query<R>(part.sql, part.params, callOptions)));
    done = true;
    const rows = results.reduce((sum, part) => sum + part.numRows, 0);
    return Result.concat(results, `SELECT ${rows}`);
  } finally {
    await closePartitions(connections, done);
  }
}

/**
 * The partitions as one stream of batches, in range order. Every partition reads through a
 * portal, `batchRows` rows a round trip; while one partition is consumed, each of the others has
 * its next chunk in flight (at most one), so the servers scan and the workers decode ahead while
 * memory stays bounded by k chunks.
 */
export async function* partitionedStream<R>(host: PartitionHost, sql: string, params: readonly unknown[], options: CallOptions & PartitionOptions & { batchRows: number }): AsyncGenerator<RecordBatch<R>> {
  const connections: WorkerPooledConnection[] = [];
  let done = false;
  const { batchRows, ...partitionOptions } = options;
  try {
    const { parts } = await openPartitions(host, sql, params, partitionOptions, connections);
    const callOptions = callOptionsOf(partitionOptions);
    const readers = parts.map((part, i) => part.connection.portalBatches<R>(part.sql, part.params, `pgloom_partition_${i}`, batchRows, callOptions));
    // One chunk ahead per partition; a rejection waits until its partition's turn.
    const ahead = readers.map((reader) => quiet(reader.next()));
    for (let i = 0; i < readers.length; i++) {
      for (let next = await ahead[i]; !next.done; next = await ahead[i]) {
        ahead[i] = quiet(readers[i].next());
        for (const batch of next.value) yield batch;
      }
    }
    done = true;
  } finally {
    await closePartitions(connections, done);
  }
}

/** A promise whose rejection is handled later (awaited in order), not reported as unhandled now. */
function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
