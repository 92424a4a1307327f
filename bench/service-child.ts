// One client, the service workload, in a process of its own: 50 concurrent requests on 10
// connections, each request three one-row queries and a two-statement transaction, as a web
// handler would run them one after another. Prints the same JSON figures as call-child, per request.

import type { CallFigures } from './call-child.js';
import { measure, ratesOf, reportFrom } from './measure.js';
import { openServiceClient, type ServiceClient, type ServiceClientName } from './service-clients.js';

const REQUESTS_IN_FLIGHT = 50;
const CONNECTIONS = 10;
/** Unlogged, recreated by each child: the transactions' writes cost no WAL and start from empty. */
const TABLE = 'pgloom_bench_service';
/** A few catalogue rows to look up by oid: bool, int8, int4, text. */
const OIDS = [16, 20, 23, 25];

async function request(db: ServiceClient, id: number): Promise<void> {
  await db.query('select $1::int4', [id]);
  await db.query('select typname, typlen from pg_type where oid = $1', [OIDS[id % OIDS.length]]);
  await db.query('select now()', []);
  // Insert then update the same new row: a write per statement, and no row two requests contend for.
  await db.transaction([
    [`insert into ${TABLE} (request, hits) values ($1, 1)`, [id]],
    [`update ${TABLE} set hits = hits + 1 where request = $1`, [id]],
  ]);
}

reportFrom(async (): Promise<CallFigures> => {
  const [client, workload, requestsText, dsn] = process.argv.slice(2);
  const requests = Number(requestsText);
  const db = await openServiceClient(client as ServiceClientName, dsn, CONNECTIONS);
  try {
    await db.query(`drop table if exists ${TABLE}`, []);
    await db.query(`create unlogged table ${TABLE} (request int4 primary key, hits int4 not null)`, []);
    // Request ids run on from the warm-up, so that every insert is of a new key.
    let nextId = 0;
    const run = async (total: number) => {
      let issued = 0;
      const caller = async () => {
        while (issued < total) {
          issued++;
          await request(db, nextId++);
        }
      };
      await Promise.all(Array.from({ length: Math.min(REQUESTS_IN_FLIGHT, total) }, caller));
    };
    await run(Math.max(REQUESTS_IN_FLIGHT, Math.floor(requests / 10)));
    const { value: _done, ...figures } = await measure(() => run(requests));
    return { client, workload, per: 'request', queries: requests, ...figures, ...ratesOf(figures, requests) };
  } finally {
    await db.close();
  }
});
