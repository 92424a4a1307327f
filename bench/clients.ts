// Every client the benchmark compares, behind one shape: open, run a query to completion
// (returning the row count it saw), close.

import pg from 'pg';
import postgres from 'postgres';
import { connect, createPool } from '../src/main/index.js';
import { resolveConnectionPlan } from '../src/worker/config/index.js';
import { openConnection } from '../src/worker/open-connection.js';
import { runQuery } from '../src/worker/requests.js';

export interface BenchClient {
  run(sql: string): Promise<number>;
  close(): Promise<void>;
}

export const clientNames = ['pgloom-pool-columnar', 'pgloom-pool-rows', 'pgloom-pool-stream', 'pgloom-connect', 'pgloom-bare', 'pg', 'postgres.js'] as const;
export type ClientName = (typeof clientNames)[number];

export async function openClient(name: ClientName, dsn: string, workers?: number): Promise<BenchClient> {
  switch (name) {
    case 'pgloom-pool-columnar':
    case 'pgloom-pool-rows': {
      const pool = createPool(dsn, { workers, connectionsPerWorker: 2 });
      const rows = name === 'pgloom-pool-rows';
      return {
        // Columnar: the batches are here, typed arrays ready; rows: plain objects built from them.
        run: async (sql) => (rows ? (await pool.fetch(sql)).length : (await pool.query(sql)).numRows),
        close: () => pool.close(),
      };
    }
    case 'pgloom-pool-stream': {
      // pool.stream: batches as they arrive, each dropped once read, so memory stays flat.
      const pool = createPool(dsn, { workers, connectionsPerWorker: 2 });
      return {
        run: async (sql) => {
          let rows = 0;
          for await (const batch of pool.stream(sql)) {
            // Touch the data as a consumer would.
            if (batch.numRows > 0 && batch.isNull(0, 0)) throw new Error('the first column is never NULL in these workloads');
            rows += batch.numRows;
          }
          return rows;
        },
        close: () => pool.close(),
      };
    }
    case 'pgloom-connect': {
      const db = await connect(dsn);
      return { run: async (sql) => (await db.fetch(sql)).length, close: () => db.close() };
    }
    case 'pgloom-bare': {
      // pgloom's engine with decoding switched off: frames every DataRow, builds nothing. The floor
      // of a Node client on this machine.
      const engine = await openConnection(resolveConnectionPlan({ dsn }), { statementCacheSize: 100, types: {} });
      return {
        run: async (sql) => (await runQuery(engine, { sql, paramSets: [[]], rowMode: 'none' })).rowCount ?? 0,
        close: () => engine.close(),
      };
    }
    case 'pg': {
      const client = new pg.Client({ connectionString: dsn });
      await client.connect();
      return { run: async (sql) => (await client.query(sql)).rows.length, close: () => client.end() };
    }
    case 'postgres.js': {
      const sql = postgres(dsn, { max: 1, onnotice: () => undefined });
      return { run: async (text) => (await sql.unsafe(text)).length, close: () => sql.end() };
    }
  }
}
