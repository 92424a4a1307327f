// What every import format implements: the columns the file declares (for --create and for
// checking them against the table), and the load itself on a connection inside the import's
// transaction.

import type { Connection } from '../../main/index.js';
import type { TableRef, TargetColumn } from './target-table.js';

/** What an import needs of a connection: a Connection (inline) and a PooledConnection both fit. */
export type CopySession = Pick<Connection, 'execute' | 'fetch' | 'fetchval' | 'copyToTable' | 'copyRecordsToTable' | 'copyColumnsToTable'>;

export interface FileColumn {
  name: string;
  /** The type --create gives it. */
  sqlType: string;
}

export interface LoadProgress {
  /** Rows loaded so far, bytes of the file read so far. */
  (rows: number, bytes: number): void;
  /** False when no bar is drawn: counting done only for the bar can be skipped. */
  readonly shown: boolean;
}

export interface FileSource {
  /** For the progress bar's ETA: the file's size in bytes or its row count, when known. */
  readonly total: { amount: number; unit: 'rows' | 'bytes' } | undefined;
  columns(): Promise<FileColumn[]>;
  /** Load every row into the table; returns the rows loaded. */
  load(db: CopySession, table: TableRef, targets: readonly TargetColumn[], progress: LoadProgress): Promise<number>;
  /** How the last load went to the server, when there was more than one way (for the closing report). */
  loadedAs?(): string | undefined;
}

/** The row count of a COPY's command tag ('COPY 42'). */
export function copiedRows(tag: string): number {
  const count = Number(/^COPY (\d+)$/.exec(tag)?.[1]);
  return Number.isFinite(count) ? count : 0;
}
