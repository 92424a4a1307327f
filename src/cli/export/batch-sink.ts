// What every export format implements: columns first, then batches, then the end of the file.

import type { Column, RecordBatch } from '../../main/index.js';

export interface BatchSink {
  /** Called once, before the first batch (for an empty result, with the described columns). */
  start(columns: readonly Column[]): Promise<void>;
  write(batch: RecordBatch<unknown>): Promise<void>;
  /** Write the end of the file (footers, the last row group). */
  end(): Promise<void>;
  /** The export failed: stop whatever the sink still runs (its thread), write nothing more. */
  abort?(): Promise<void>;
}

/** Output formats that key values by column name need the names to be unique. */
export function uniqueNames(columns: readonly Column[], format: string): string[] {
  const names = columns.map((column) => column.name);
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new Error(`the query returns two columns named ${JSON.stringify(name)}, which ${format} cannot hold: alias one of them (… AS other_name)`);
    seen.add(name);
  }
  return names;
}
