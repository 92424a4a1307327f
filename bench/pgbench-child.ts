// One Node client of the pgbench suite, in a process of its own: for each query in turn, its setup,
// a warm-up, the measured closed loop, a check that every row counted as written is in the table,
// and its teardown. Prints PgbenchFigures as JSON on stdout.

import { reportFrom } from './measure.js';
import { openPgbenchClient, type PgbenchClient, type PgbenchClientName, type PgbenchSession } from './pgbench-clients.js';
import { closedLoop, type LoopCount } from './pgbench-loop.js';
import type { PgbenchFigures, PgbenchOutcome, PgbenchPlan } from './pgbench-protocol.js';
import { writtenRows, type PgbenchQuery } from './pgbench-queries.js';

/** The call one caller repeats, or undefined when the client cannot make it. */
function callOf(query: PgbenchQuery, session: PgbenchSession): (() => Promise<number>) | undefined {
  switch (query.kind) {
    case 'fetch':
      return () => session.fetch(query.sql, query.args);
    case 'batch': {
      const rows = writtenRows(query);
      return () => session.batch(query.sql, rows);
    }
    case 'copy': {
      const { copy } = session;
      if (copy === undefined) return undefined;
      const rows = writtenRows(query);
      const target = { table: query.table!, columns: query.columns! };
      return () => copy(query.sql, rows, target);
    }
  }
}

async function runQuery(db: PgbenchClient, plan: PgbenchPlan, query: PgbenchQuery): Promise<PgbenchOutcome> {
  const calls = db.sessions.map((session) => callOf(query, session));
  if (calls.some((call) => call === undefined)) return { pending: `no ${query.kind.toUpperCase()} API yet` };
  const run = (seconds: number): Promise<LoopCount> => closedLoop(calls.length, seconds * 1000, (i) => calls[i]!());
  for (const statement of query.setup) await db.execute(statement);
  try {
    const warm = await run(plan.warmupSeconds);
    const measured = await run(plan.seconds);
    if (query.table !== undefined) {
      // The rows a client says it wrote must all be there: a figure is never taken on trust.
      const found = await db.countRows(query.table);
      if (found !== warm.rows + measured.rows) throw new Error(`${plan.client} ${query.name}: counted ${warm.rows + measured.rows} rows written, the table holds ${found}`);
    }
    return { ...measured, rowsPerSecond: measured.rows / (measured.wallMs / 1000) };
  } finally {
    for (const statement of query.teardown) await db.execute(statement);
  }
}

reportFrom(async (): Promise<PgbenchFigures> => {
  // argv: client and suite name first (they name the child in an error), then the plan.
  const plan = JSON.parse(process.argv[4]) as PgbenchPlan;
  const db = await openPgbenchClient(plan.client as PgbenchClientName, plan.dsn, plan.connections);
  try {
    const results: PgbenchFigures['results'] = {};
    for (const query of plan.queries) results[query.name] = await runQuery(db, plan, query);
    return { client: plan.client, results };
  } finally {
    await db.close();
  }
});
