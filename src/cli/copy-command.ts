// `pgloom copy --from DSN --to DSN --table T`: a table (or a query's rows) moved between servers as
// columns — pool.stream() on the source, copyColumnsToTable() on the target, batch by batch in one
// target transaction — never as JS row objects.

import { openPool } from './database.js';
import { UsageError } from './exit-codes.js';
import { qualifiedName, tableColumns } from './import/target-table.js';
import { startProgress } from './progress.js';

export interface CopyOptions {
  from: string;
  to: string;
  table: string;
  schema?: string;
  query?: string;
  quiet?: boolean;
  batchRows?: number;
}

export async function copyBetweenServers(options: CopyOptions): Promise<number> {
  if (!options.from || !options.to) throw new UsageError('copy needs both --from and --to connection strings');
  const ref = { table: options.table, schema: options.schema };
  const sql = options.query ?? `select * from ${qualifiedName(ref)}`;
  const source = openPool(options.from, options.batchRows === undefined ? {} : { batchRows: options.batchRows });
  const target = openPool(options.to);
  const progress = await startProgress('copy', options.quiet === true);
  try {
    return await target.transaction(async (db) => {
      const columns = await tableColumns(db, ref);
      if (columns === undefined) throw new Error(`table ${qualifiedName(ref)} does not exist on the target server: create it there first`);
      let rows = 0;
      let bytes = 0;
      for await (const batch of source.stream<unknown>(sql)) {
        await db.copyColumnsToTable(options.table, { columns: batch, schemaName: options.schema });
        rows += batch.numRows;
        for (const column of batch.data.columns) bytes += (column.values?.byteLength ?? 0) + (column.data?.byteLength ?? 0);
        progress.update(rows, bytes);
      }
      return rows;
    });
  } finally {
    progress.stop();
    await Promise.all([source.close(), target.close()]);
  }
}
