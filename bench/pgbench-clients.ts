// The Node clients of the pgbench suite behind one shape: a session per caller (each on its own
// connection where the client has connections to hand out), plus the setup/teardown statements.

import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import postgres from 'postgres';
import { connect, createPool } from '../src/main/index.js';
import { copyText } from './copy-text.js';

type Rows = readonly (readonly unknown[])[];

/** Where a copy's rows go (the APIs that take a table rather than COPY's SQL). */
export interface CopyTarget {
  table: string;
  columns: readonly string[];
}

/** 'COPY 10000' → 10000. */
const copiedRows = (tag: string) => Number(tag.slice('COPY '.length));

export interface PgbenchSession {
  /** Run a query; resolves with the rows returned. */
  fetch(sql: string, args: readonly unknown[]): Promise<number>;
  /** Run one INSERT per row; resolves with the rows written. */
  batch(sql: string, rows: Rows): Promise<number>;
  /** COPY the rows in; resolves with the rows written. Absent where the client has no COPY API. */
  copy?: (sql: string, rows: Rows, target: CopyTarget) => Promise<number>;
}

export interface PgbenchClient {
  sessions: PgbenchSession[];
  /** One statement, for setup and teardown. */
  execute(sql: string): Promise<void>;
  countRows(table: string): Promise<number>;
  close(): Promise<void>;
}

export const pgbenchClientNames = ['pgloom-pool-1w', 'pgloom-pool', 'pgloom-pool-workers', 'pgloom-connect', 'pg', 'postgres.js'] as const;
export type PgbenchClientName = (typeof pgbenchClientNames)[number];

const countSql = (table: string) => `select count(*)::int4 as n from ${table}`;

function openPgloom(name: 'pgloom-pool-1w' | 'pgloom-pool' | 'pgloom-pool-workers', dsn: string, connections: number): PgbenchClient {
  // One worker is like for like with the single-threaded peers; the default pool spreads the same
  // number of connections over the machine's cores.
  const workers = name === 'pgloom-pool-1w' ? 1 : Math.min(connections, Math.max(1, availableParallelism()));
  // pgloom-pool-workers: every call through a worker thread (no main-thread connections).
  const mainThreadConnections = name === 'pgloom-pool-workers' ? 0 : undefined;
  const pool = createPool(dsn, { workers, connectionsPerWorker: Math.ceil(connections / workers), minConnections: connections, mainThreadConnections });
  // The pool hands each query a free connection: with as many connections as callers, every
  // caller in effect has one of its own, so all callers share the pool itself.
  const session: PgbenchSession = {
    fetch: async (sql, args) => (await pool.fetch(sql, args)).length,
    batch: async (sql, rows) => {
      await pool.executemany(sql, rows);
      return rows.length;
    },
    copy: async (_sql, rows, target) => copiedRows(await pool.copyRecordsToTable(target.table, { records: rows, columns: target.columns })),
  };
  return {
    sessions: Array.from({ length: connections }, () => session),
    execute: async (sql) => {
      await pool.execute(sql);
    },
    countRows: async (table) => (await pool.fetchval<number>(countSql(table))) ?? 0,
    close: () => pool.close(),
  };
}

/** connect(): a connection of its own per caller, decoding inline on this thread, as asyncpg's and pg's do. */
async function openPgloomConnect(dsn: string, connections: number): Promise<PgbenchClient> {
  const all = await Promise.all(Array.from({ length: connections }, () => connect(dsn)));
  return {
    sessions: all.map((db): PgbenchSession => ({
      fetch: async (sql, args) => (await db.fetch(sql, args)).length,
      batch: async (sql, rows) => {
        await db.executemany(sql, rows);
        return rows.length;
      },
      copy: async (_sql, rows, target) => copiedRows(await db.copyRecordsToTable(target.table, { records: rows, columns: target.columns })),
    })),
    execute: async (sql) => {
      await all[0].execute(sql);
    },
    countRows: async (table) => (await all[0].fetchval<number>(countSql(table))) ?? 0,
    close: async () => {
      await Promise.all(all.map((db) => db.close()));
    },
  };
}

async function openPg(dsn: string, connections: number): Promise<PgbenchClient> {
  const clients = await Promise.all(
    Array.from({ length: connections }, async () => {
      const client = new pg.Client({ connectionString: dsn });
      await client.connect();
      return client;
    }),
  );
  // Named statements: pg prepares each once per connection, as asyncpg's statement cache does.
  const names = new Map<string, string>();
  const nameOf = (sql: string) => names.get(sql) ?? names.set(sql, `pgbench_${names.size}`).get(sql)!;
  const sessionOf = (client: pg.Client): PgbenchSession => ({
    fetch: async (text, values) => (await client.query({ name: nameOf(text), text, values: [...values] })).rows.length,
    // No executemany in pg, and no pipelining: one INSERT after another, in a transaction because
    // executemany is atomic in pgloom and asyncpg (an error ends the run, so no ROLLBACK here).
    batch: async (text, rows) => {
      let written = 0;
      await client.query('BEGIN');
      for (const values of rows) written += (await client.query({ name: nameOf(text), text, values: [...values] })).rowCount ?? 0;
      await client.query('COMMIT');
      return written;
    },
    copy: async (text, rows) => {
      const stream = client.query(copyFrom(text));
      const finished = once(stream, 'finish');
      stream.end(copyText(rows));
      await finished;
      return stream.rowCount;
    },
  });
  return {
    sessions: clients.map(sessionOf),
    execute: async (sql) => {
      await clients[0].query(sql);
    },
    countRows: async (table) => Number((await clients[0].query<{ n: number }>(countSql(table))).rows[0].n),
    close: async () => {
      await Promise.all(clients.map((client) => client.end()));
    },
  };
}

async function openPostgresJs(dsn: string, connections: number): Promise<PgbenchClient> {
  const sql = postgres(dsn, { max: connections, onnotice: () => undefined });
  // A reserved connection per caller, as the other clients have.
  const reserved = await Promise.all(Array.from({ length: connections }, () => sql.reserve()));
  const sessionOf = (db: postgres.ReservedSql): PgbenchSession => ({
    fetch: async (text, args) => (await db.unsafe(text, [...args] as never[], { prepare: true })).length,
    // No executemany either: issued at once, the 1,000 are pipelined on the one connection, in a
    // transaction because executemany is atomic in pgloom and asyncpg.
    batch: async (text, rows) => {
      const [, results] = await Promise.all([
        db.unsafe('begin'),
        Promise.all(rows.map((row) => db.unsafe(text, [...row] as never[], { prepare: true }))),
        db.unsafe('commit'),
      ]);
      return results.reduce((sum, result) => sum + result.count, 0);
    },
    copy: async (text, rows) => {
      const writable = await db.unsafe(text).writable();
      const finished = once(writable, 'finish');
      writable.end(copyText(rows));
      await finished;
      // postgres.js reports no COPY row count; the harness checks the table's count after the run.
      return rows.length;
    },
  });
  return {
    sessions: reserved.map(sessionOf),
    // Through a reserved connection: the pool has none left to give.
    execute: async (text) => {
      await reserved[0].unsafe(text);
    },
    countRows: async (table) => Number((await reserved[0].unsafe<{ n: number }[]>(countSql(table)))[0].n),
    close: async () => {
      for (const db of reserved) db.release();
      await sql.end();
    },
  };
}

export async function openPgbenchClient(name: PgbenchClientName, dsn: string, connections: number): Promise<PgbenchClient> {
  switch (name) {
    case 'pgloom-pool-1w':
    case 'pgloom-pool':
    case 'pgloom-pool-workers':
      return openPgloom(name, dsn, connections);
    case 'pgloom-connect':
      return openPgloomConnect(dsn, connections);
    case 'pg':
      return openPg(dsn, connections);
    case 'postgres.js':
      return openPostgresJs(dsn, connections);
  }
}
