// One client of the copy-in suite, in a process of its own: build the rows (not timed), warm up
// with a tenth of them, then time one COPY of all of them into an empty table and check the
// table holds them all. Prints ChildFigures as JSON on stdout.

import { once } from 'node:events';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import postgres from 'postgres';
import { connect, createPool } from '../src/main/index.js';
import type { ChildFigures } from './child.js';
import { copyText } from './copy-text.js';
import { COPY_IN_COLUMNS, COPY_IN_TABLE_DDL, copyInRow, copyInTextRow, type CopyClientName } from './copy-in.js';
import { measure, reportFrom } from './measure.js';

interface CopyClient {
  copy(table: string, rows: unknown[][]): Promise<void>;
  execute(sql: string): Promise<void>;
  count(table: string): Promise<number>;
  close(): Promise<void>;
}

async function openCopyClient(name: CopyClientName, dsn: string): Promise<CopyClient> {
  const copySql = (table: string) => `copy ${table} (${COPY_IN_COLUMNS.join(', ')}) from stdin`;
  switch (name) {
    case 'pgloom-connect':
    case 'pgloom-pool': {
      const db = name === 'pgloom-connect' ? await connect(dsn) : createPool(dsn, { workers: 1, connectionsPerWorker: 1 });
      return {
        copy: async (table, rows) => void (await db.copyRecordsToTable(table, { records: rows, columns: COPY_IN_COLUMNS })),
        execute: async (sql) => void (await db.execute(sql)),
        count: async (table) => (await db.fetchval<number>(`select count(*)::int4 from ${table}`)) ?? 0,
        close: () => db.close(),
      };
    }
    case 'pg': {
      const client = new pg.Client({ connectionString: dsn });
      await client.connect();
      return {
        copy: async (table, rows) => {
          const stream = client.query(copyFrom(copySql(table)));
          const finished = once(stream, 'finish');
          stream.end(copyText(rows.map(copyInTextRow)));
          await finished;
        },
        execute: async (sql) => void (await client.query(sql)),
        count: async (table) => Number((await client.query<{ n: number }>(`select count(*)::int4 as n from ${table}`)).rows[0].n),
        close: () => client.end(),
      };
    }
    case 'postgres.js': {
      const sql = postgres(dsn, { max: 1, onnotice: () => undefined });
      return {
        copy: async (table, rows) => {
          const writable = await sql.unsafe(copySql(table)).writable();
          const finished = once(writable, 'finish');
          writable.end(copyText(rows.map(copyInTextRow)));
          await finished;
        },
        execute: async (text) => void (await sql.unsafe(text)),
        count: async (table) => Number((await sql.unsafe<{ n: number }[]>(`select count(*)::int4 as n from ${table}`))[0].n),
        close: () => sql.end(),
      };
    }
  }
}

reportFrom(async (): Promise<ChildFigures> => {
  const [client, rowsText, dsn] = process.argv.slice(2);
  const rows = Number(rowsText);
  const table = `bench_copy_in_${client.replace(/[^a-z0-9]+/gi, '_')}_${process.pid}`;
  const db = await openCopyClient(client as CopyClientName, dsn);
  try {
    await db.execute(`create unlogged table ${table} ${COPY_IN_TABLE_DDL}`);
    const all = Array.from({ length: rows }, (_, i) => copyInRow(i));
    await db.copy(table, all.slice(0, Math.max(1, Math.floor(rows / 10))));
    await db.execute(`truncate ${table}`);
    const { value: _, ...figures } = await measure(() => db.copy(table, all));
    const found = await db.count(table);
    if (found !== rows) throw new Error(`${client} copied ${found} rows, expected ${rows}`);
    return { client, workload: 'copy-in', rows, ...figures };
  } finally {
    await db.execute(`drop table if exists ${table}`).catch(() => undefined);
    await db.close();
  }
});
