// Clients for the service workload: single queries and short transactions from many concurrent
// requests, each client on a set of `connections` connections, through its own pool API.

import pg from 'pg';
import postgres from 'postgres';
import { connect, createPool } from '../src/main/index.js';
import { ConnectionSet } from './connection-set.js';

/** One statement of a transaction: SQL and its parameters. */
export type Statement = readonly [sql: string, params: unknown[]];

export interface ServiceClient {
  /** Run one query; resolves with the number of rows. */
  query(sql: string, params: unknown[]): Promise<number>;
  /** Run the statements one after another in a transaction (COMMIT at the end). */
  transaction(statements: readonly Statement[]): Promise<void>;
  close(): Promise<void>;
}

export const serviceClientNames = ['pgloom-pool', 'pgloom-connect', 'pg', 'postgres.js'] as const;
export type ServiceClientName = (typeof serviceClientNames)[number];

export async function openServiceClient(name: ServiceClientName, dsn: string, connections: number): Promise<ServiceClient> {
  switch (name) {
    case 'pgloom-pool': {
      // The default shape of the calls suite's pool: two workers sharing the connections.
      const pool = createPool(dsn, { workers: 2, connectionsPerWorker: Math.ceil(connections / 2), minConnections: connections });
      return {
        query: async (sql, params) => (await pool.fetch(sql, params)).length,
        transaction: (statements) =>
          pool.transaction(async (tx) => {
            for (const [sql, params] of statements) await tx.execute(sql, params);
          }),
        close: () => pool.close(),
      };
    }
    case 'pgloom-connect': {
      const all = await Promise.all(Array.from({ length: connections }, () => connect(dsn)));
      const set = new ConnectionSet(all);
      return {
        query: async (sql, params) => (await (await set.any()).fetch(sql, params)).length,
        transaction: async (statements) => {
          const db = await set.hold();
          try {
            await db.transaction(async () => {
              for (const [sql, params] of statements) await db.execute(sql, params);
            });
          } finally {
            set.release(db);
          }
        },
        close: async () => {
          await Promise.all(all.map((db) => db.close()));
        },
      };
    }
    case 'pg': {
      const pool = new pg.Pool({ connectionString: dsn, max: connections });
      return {
        query: async (sql, params) => (await pool.query(sql, params)).rows.length,
        transaction: async (statements) => {
          const client = await pool.connect();
          try {
            await client.query('begin');
            for (const [sql, params] of statements) await client.query(sql, params);
            await client.query('commit');
          } catch (error) {
            await client.query('rollback');
            throw error;
          } finally {
            client.release();
          }
        },
        close: () => pool.end(),
      };
    }
    case 'postgres.js': {
      const sql = postgres(dsn, { max: connections, onnotice: () => undefined });
      return {
        query: async (text, params) => (await sql.unsafe(text, params as never[], { prepare: true })).length,
        transaction: async (statements) => {
          await sql.begin(async (tx) => {
            for (const [text, params] of statements) await tx.unsafe(text, params as never[], { prepare: true });
          });
        },
        close: () => sql.end(),
      };
    }
  }
}
