// The copy-in suite: each client in a process of its own (copy-child.ts; asyncpg's
// copy_records_to_table in the Python child), rounds in rotating order, beside psql's binary
// \copy of the same rows from a file (the server's own cost: the floor).

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { ChildFigures } from './child.js';
import { COPY_IN_COLUMNS, COPY_IN_TABLE_DDL, copyClientNames, copyInSql } from './copy-in.js';
import { runAsyncpg } from './asyncpg.js';
import { runJsonChild } from './measure.js';
import { median, summarise, type ClientSummary } from './stats.js';

const childScript = fileURLToPath(new URL('./copy-child.js', import.meta.url));

function psql(dsn: string, command: string): void {
  execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', dsn, '-c', command]);
}

/** psql's binary \copy of the same rows from a file into an empty table: ms, or undefined without psql. */
function psqlFloor(dsn: string, rows: number, rounds: number): number | undefined {
  if (spawnSync('psql', ['--version']).status !== 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'pgloom-copy-floor-'));
  const file = join(dir, 'rows.bin');
  const table = `bench_copy_in_psql_${process.pid}`;
  try {
    psql(dsn, `\\copy (${copyInSql(rows)}) to '${file}' with (format binary)`);
    psql(dsn, `create unlogged table ${table} ${COPY_IN_TABLE_DDL}`);
    const times: number[] = [];
    for (let round = 0; round < rounds; round++) {
      psql(dsn, `truncate ${table}`);
      const started = performance.now();
      psql(dsn, `\\copy ${table} (${COPY_IN_COLUMNS.join(', ')}) from '${file}' with (format binary)`);
      times.push(performance.now() - started);
    }
    return median(times);
  } finally {
    spawnSync('psql', ['-X', '-q', dsn, '-c', `drop table if exists ${table}`]);
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runCopySuite(dsn: string, rows: number, rounds: number, withAsyncpg: boolean): Promise<{ floorMs?: number; clients: ClientSummary[] }> {
  const clients: string[] = [...copyClientNames, ...(withAsyncpg ? ['asyncpg'] : [])];
  const runs = new Map<string, ChildFigures[]>();
  for (let round = 0; round < rounds; round++) {
    const order = clients.map((_, i) => clients[(i + round) % clients.length]);
    for (const client of order) {
      const figures = client === 'asyncpg'
        ? await runAsyncpg<ChildFigures>(['copy', 'copy-in', String(rows), dsn, COPY_IN_TABLE_DDL, COPY_IN_COLUMNS.join(',')])
        : await runJsonChild<ChildFigures>(childScript, [client, String(rows), dsn]);
      runs.set(client, [...(runs.get(client) ?? []), figures]);
    }
  }
  const floorMs = psqlFloor(dsn, rows, rounds);
  return { floorMs, clients: clients.map((client) => summarise(runs.get(client)!)) };
}
