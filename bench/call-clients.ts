// Clients for the query-rate workloads: many small queries from concurrent callers, each client
// with its own pool of `connections` connections.

import pg from 'pg';
import postgres from 'postgres';
import { connect, createPool, type Connection } from '../src/main/index.js';

export interface CallClient {
  /** Run one query; resolves with the number of rows. */
  call(sql: string, params: unknown[]): Promise<number>;
  close(): Promise<void>;
}

export const callClientNames = ['pgloom-pool', 'pgloom-pool-workers', 'pgloom-pool-1w', 'pgloom-connect', 'pg', 'postgres.js'] as const;
export type CallClientName = (typeof callClientNames)[number];

export async function openCallClient(name: CallClientName, dsn: string, connections: number): Promise<CallClient> {
  switch (name) {
    case 'pgloom-pool':
    case 'pgloom-pool-workers':
    case 'pgloom-pool-1w': {
      const workers = name === 'pgloom-pool-1w' ? 1 : 2;
      // pgloom-pool-workers: every call through a worker thread (no main-thread connections).
      const mainThreadConnections = name === 'pgloom-pool-workers' ? 0 : undefined;
      const pool = createPool(dsn, { workers, connectionsPerWorker: Math.ceil(connections / workers), minConnections: connections, mainThreadConnections });
      return { call: async (sql, params) => (await pool.fetch(sql, params)).length, close: () => pool.close() };
    }
    case 'pgloom-connect': {
      // connect() has no pool: callers take the connections round robin (each pipelines its queue).
      const all: Connection[] = await Promise.all(Array.from({ length: connections }, () => connect(dsn)));
      let next = 0;
      return {
        call: async (sql, params) => (await all[next++ % all.length].fetch(sql, params)).length,
        close: async () => {
          await Promise.all(all.map((db) => db.close()));
        },
      };
    }
    case 'pg': {
      const pool = new pg.Pool({ connectionString: dsn, max: connections });
      return { call: async (sql, params) => (await pool.query(sql, params)).rows.length, close: () => pool.end() };
    }
    case 'postgres.js': {
      const sql = postgres(dsn, { max: connections, onnotice: () => undefined });
      return { call: async (text, params) => (await sql.unsafe(text, params as never[], { prepare: true })).length, close: () => sql.end() };
    }
  }
}
