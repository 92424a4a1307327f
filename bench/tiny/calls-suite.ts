// The per-call suite: pgloom's pool, pgloom's connect(), pg and postgres.js on the same server,
// one Bench per kind of call with every client a task in it, so each table compares them directly.

import { connect } from '../../src/main/index.js';
import { TinyBench } from './bench-runner.js';
import { callCases } from './call-cases.js';
import { openTinyCallClient, tinyCallClientNames, type TinyCallClient, type TinyCallClientName } from './call-clients.js';
import { callStatements, createCallTables, dropCallTables } from './call-statements.js';
import { selected, type TinySettings } from './settings.js';
import type { TinyTable } from './table.js';

/** Whether --filter selects any task of this suite (else no server is needed for it). */
export function anyCallSelected(settings: TinySettings): boolean {
  return callCases(settings).some((callCase) => tinyCallClientNames.some((client) => selected(settings, 'calls', callCase.name, client)));
}

/** The tables, and the server's version (for the record). */
export async function runTinyCallsSuite(dsn: string, settings: TinySettings): Promise<{ tables: TinyTable[]; serverVersion: string }> {
  const statements = callStatements(settings.fetchRows);
  const admin = await connect(dsn);
  const clients = new Map<TinyCallClientName, TinyCallClient>();
  const tables: TinyTable[] = [];
  try {
    const serverVersion = (await admin.fetchval<string>('show server_version')) ?? 'unknown';
    await createCallTables(admin, statements);
    for (const name of tinyCallClientNames) clients.set(name, await openTinyCallClient(name, dsn, statements));
    for (const callCase of callCases(settings)) {
      const bench = new TinyBench(settings, { suite: 'calls', name: callCase.name, note: callCase.note, baseline: 'pg' });
      for (const [name, client] of clients) {
        let i = 0;
        bench.add(name, () => callCase.call(client, name, i++));
      }
      const table = await bench.run();
      if (table !== undefined) tables.push(table);
    }
    return { tables, serverVersion };
  } finally {
    for (const client of clients.values()) await client.close();
    await dropCallTables(admin, statements);
    await admin.close();
  }
}
