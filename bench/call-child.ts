// One client, one query-rate workload, in a process of its own: prints JSON figures on stdout.

import { openCallClient, type CallClientName } from './call-clients.js';
import { measure, ratesOf, reportFrom } from './measure.js';

export type CallWorkloadName = 'one-serial' | 'one-concurrent' | 'small-concurrent';

/** A child's figures; for the service workload a "query" is a request (`per` says which). */
export interface CallFigures {
  client: string;
  workload: string;
  per: 'query' | 'request';
  queries: number;
  wallMs: number;
  queriesPerSecond: number;
  usPerQuery: number;
  /** Whole-process CPU µs per query (all threads). */
  cpuUsPerQuery: number;
  /** Main-thread CPU µs per query (event-loop utilization × wall time). */
  mainThreadCpuUsPerQuery: number;
  /** Main-thread on-CPU µs per query (schedstat); absent where /proc has none. */
  mainThreadOnCpuUsPerQuery?: number;
  loopP99Ms: number;
  loopMaxMs: number;
  peakRssMb: number;
}

const SMALL = `select typname, typnamespace, typowner, typlen, typbyval, typcategory, typispreferred,
       typisdefined, typdelim, typrelid, typelem, typarray
from pg_type where typtypmod = $1 and typisdefined = $2`;

function plan(workload: CallWorkloadName, queries: number): { sql: string; params: (i: number) => unknown[]; callers: number } {
  switch (workload) {
    case 'one-serial': return { sql: 'select $1::int4', params: (i) => [i], callers: 1 };
    case 'one-concurrent': return { sql: 'select $1::int4', params: (i) => [i], callers: Math.min(20, queries) };
    case 'small-concurrent': return { sql: SMALL, params: () => [-1, true], callers: Math.min(20, queries) };
  }
}

reportFrom(async (): Promise<CallFigures> => {
  const [client, workload, queriesText, dsn] = process.argv.slice(2);
  const queries = Number(queriesText);
  const { sql, params, callers } = plan(workload as CallWorkloadName, queries);
  const db = await openCallClient(client as CallClientName, dsn, workload === 'one-serial' ? 1 : 10);
  try {
    const run = async (total: number) => {
      let issued = 0;
      const caller = async () => {
        while (issued < total) {
          const i = issued++;
          await db.call(sql, params(i));
        }
      };
      await Promise.all(Array.from({ length: callers }, caller));
    };
    await run(Math.max(callers, Math.floor(queries / 10)));
    const { value: _done, ...figures } = await measure(() => run(queries));
    return { client, workload, per: 'query', queries, ...figures, ...ratesOf(figures, queries) };
  } finally {
    await db.close();
  }
});
