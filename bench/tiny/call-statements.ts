// The per-call suite's tables and statements. The tables are unlogged (no WAL: the server's cost
// stays small beside the clients') and named uniquely per run, so that runs on a shared server
// never meet; they are dropped at the end.

import type { Connection } from '../../src/main/index.js';
import { workloadSql } from '../workloads.js';

export interface CallStatements {
  items: string;
  log: string;
  oneRow: string;
  tenRows: string;
  insert: string;
  update: string;
  hits: string;
  bigFetch: string;
}

/** Rows of the items table: the 10-row select and the transaction's update read from them. */
export const ITEM_ROWS = 1000;

export function callStatements(fetchRows: number): CallStatements {
  const suffix = `${process.pid}_${Date.now().toString(36)}`;
  const items = `tiny_items_${suffix}`;
  const log = `tiny_log_${suffix}`;
  return {
    items,
    log,
    oneRow: 'select $1::int4 as n',
    tenRows: `select id, name, price, hits from ${items} where id between $1 and $1 + 9 order by id`,
    insert: `insert into ${log}(client, n, note) values ($1, $2, $3)`,
    update: `update ${items} set hits = hits + 1, updated = now() where id = $1`,
    hits: `select hits from ${items} where id = $1`,
    // The rows workload of shared/BENCHMARKS.md (seven columns: int4, float8, text, timestamptz, bool, int8, numeric).
    bigFetch: workloadSql('mixed', fetchRows),
  };
}

export async function createCallTables(db: Connection, statements: CallStatements): Promise<void> {
  await db.execute(`create unlogged table ${statements.items} (id int4 primary key, name text not null, price float8 not null, hits int4 not null default 0, updated timestamptz not null default now())`);
  await db.execute(`insert into ${statements.items}(id, name, price) select i, 'item-' || i, i * 0.5 from generate_series(1, ${ITEM_ROWS}) i`);
  await db.execute(`create unlogged table ${statements.log} (id bigserial primary key, client text not null, n int4 not null, note text, at timestamptz not null default now())`);
}

export async function dropCallTables(db: Connection, statements: CallStatements): Promise<void> {
  await db.execute(`drop table if exists ${statements.items}, ${statements.log}`);
}
