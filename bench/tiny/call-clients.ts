// The four clients of the per-call suite behind one shape, each doing every call the way its own
// documentation suggests. Each client has up to four connections to the one server; calls run one
// at a time (tinybench measures each call's latency), so a pool is exercised, not saturated.

import pg from 'pg';
import postgres from 'postgres';
import { connect, createPool, type Connection, type Pool } from '../../src/main/index.js';
import type { CallStatements } from './call-statements.js';

/** One row of the log table: client, n, note. */
export type LogRow = [string, number, string];

export interface TinyCallClient {
  /** Resolves with the value read back. */
  oneRow(n: number): Promise<number>;
  /** Resolves with the number of rows. */
  tenRows(from: number): Promise<number>;
  insert(row: LogRow): Promise<void>;
  /** INSERT, UPDATE and SELECT in one transaction; resolves with the item's hits. */
  transaction(id: number, row: LogRow): Promise<number>;
  insertMany(rows: readonly LogRow[]): Promise<void>;
  /** The large fetch as row objects; resolves with the number of rows. */
  fetchRows(): Promise<number>;
  /** The large fetch as columns (or, where a client has none, rows as arrays); resolves with the number of rows. */
  fetchColumns(): Promise<number>;
  close(): Promise<void>;
}

export const tinyCallClientNames = ['pgloom-pool', 'pgloom-connect', 'pg', 'postgres.js'] as const;
export type TinyCallClientName = (typeof tinyCallClientNames)[number];

const CONNECTIONS = 4;

function openPgloomPool(dsn: string, s: CallStatements): TinyCallClient {
  // A worker per core (the default), two connections each.
  const pool: Pool = createPool(dsn, { connectionsPerWorker: CONNECTIONS / 2 });
  return {
    oneRow: async (n) => (await pool.fetchval<number>(s.oneRow, [n])) ?? -1,
    // The pool prepares each statement once per connection and keeps it (as every pgloom call does).
    tenRows: async (from) => (await pool.fetch(s.tenRows, [from])).length,
    insert: async (row) => {
      await pool.execute(s.insert, row);
    },
    transaction: (id, row) =>
      pool.transaction(async (tx) => {
        await tx.execute(s.insert, row);
        await tx.execute(s.update, [id]);
        return (await tx.fetchval<number>(s.hits, [id])) ?? -1;
      }),
    insertMany: (rows) => pool.executemany(s.insert, rows),
    fetchRows: async () => (await pool.fetch(s.bigFetch)).length,
    fetchColumns: async () => {
      const result = await pool.query(s.bigFetch);
      // Every column as the consumer gets it: typed arrays (or decoded values for text and numeric).
      for (let i = 0; i < result.columns.length; i++) result.column(i);
      return result.numRows;
    },
    close: () => pool.close(),
  };
}

async function openPgloomConnect(dsn: string, s: CallStatements): Promise<TinyCallClient> {
  const db: Connection = await connect(dsn);
  const tenRows = await db.prepare(s.tenRows);
  return {
    oneRow: async (n) => (await db.fetchval<number>(s.oneRow, [n])) ?? -1,
    tenRows: async (from) => (await tenRows.fetch([from])).length,
    insert: async (row) => {
      await db.execute(s.insert, row);
    },
    transaction: (id, row) =>
      db.transaction(async (tx) => {
        await tx.execute(s.insert, row);
        await tx.execute(s.update, [id]);
        return (await tx.fetchval<number>(s.hits, [id])) ?? -1;
      }),
    insertMany: (rows) => db.executemany(s.insert, rows),
    fetchRows: async () => (await db.fetch(s.bigFetch)).length,
    // connect() decodes rows as it reads them and has no columnar result: rows as arrays are its nearest.
    fetchColumns: async () => (await db.fetch(s.bigFetch, [], { rowMode: 'array' })).length,
    close: () => db.close(),
  };
}

/** BEGIN, `body`, COMMIT on one client of pg's pool (ROLLBACK when the body throws). */
async function inPgTransaction<T>(pool: pg.Pool, body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const value = await body(client);
    await client.query('commit');
    return value;
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}

function openPg(dsn: string, s: CallStatements): TinyCallClient {
  const pool = new pg.Pool({ connectionString: dsn, max: CONNECTIONS });
  return {
    oneRow: async (n) => (await pool.query<{ n: number }>(s.oneRow, [n])).rows[0].n,
    // A named statement: pg prepares it once per connection.
    tenRows: async (from) => (await pool.query({ name: 'tiny_ten_rows', text: s.tenRows, values: [from] })).rows.length,
    insert: async (row) => {
      await pool.query(s.insert, row);
    },
    transaction: (id, row) =>
      inPgTransaction(pool, async (client) => {
        await client.query(s.insert, row);
        await client.query(s.update, [id]);
        return (await client.query<{ hits: number }>(s.hits, [id])).rows[0].hits;
      }),
    // No executemany: one named INSERT after another on one client, in a transaction (executemany is atomic).
    insertMany: (rows) =>
      inPgTransaction(pool, async (client) => {
        for (const values of rows) await client.query({ name: 'tiny_insert', text: s.insert, values });
      }),
    fetchRows: async () => (await pool.query(s.bigFetch)).rows.length,
    // No columnar result: rows as arrays are its nearest.
    fetchColumns: async () => (await pool.query({ text: s.bigFetch, rowMode: 'array' })).rows.length,
    close: () => pool.end(),
  };
}

function openPostgresJs(dsn: string, s: CallStatements): TinyCallClient {
  const sql = postgres(dsn, { max: CONNECTIONS, onnotice: () => {} });
  // The same statement text as the other clients; `prepare: true` is what a tagged template does by default.
  const run = (tx: postgres.Sql | postgres.TransactionSql, text: string, params: readonly unknown[]) => tx.unsafe(text, params as never[], { prepare: true });
  return {
    oneRow: async (n) => Number((await run(sql, s.oneRow, [n]))[0].n),
    tenRows: async (from) => (await run(sql, s.tenRows, [from])).length,
    insert: async (row) => {
      await run(sql, s.insert, row);
    },
    transaction: (id, row) =>
      sql.begin(async (tx) => {
        await run(tx, s.insert, row);
        await run(tx, s.update, [id]);
        return Number((await run(tx, s.hits, [id]))[0].hits);
      }),
    // No executemany: the INSERTs issued at once in sql.begin, so they are pipelined in one transaction.
    insertMany: async (rows) => {
      await sql.begin((tx) => rows.map((row) => run(tx, s.insert, row)));
    },
    fetchRows: async () => (await sql.unsafe(s.bigFetch)).length,
    // No columnar result: rows as arrays (.values()) are its nearest.
    fetchColumns: async () => (await sql.unsafe(s.bigFetch).values()).length,
    close: () => sql.end(),
  };
}

export async function openTinyCallClient(name: TinyCallClientName, dsn: string, statements: CallStatements): Promise<TinyCallClient> {
  switch (name) {
    case 'pgloom-pool':
      return openPgloomPool(dsn, statements);
    case 'pgloom-connect':
      return openPgloomConnect(dsn, statements);
    case 'pg':
      return openPg(dsn, statements);
    case 'postgres.js':
      return openPostgresJs(dsn, statements);
  }
}
