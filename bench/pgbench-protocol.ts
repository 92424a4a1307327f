// What the pgbench suite hands each child (the Node child and the Python one alike, as JSON in
// argv) and the figures the child prints back on stdout.

import type { PgbenchQuery, PgbenchQueryName } from './pgbench-queries.js';

export interface PgbenchPlan {
  client: string;
  dsn: string;
  /** Concurrent callers, each on a connection of its own. */
  connections: number;
  warmupSeconds: number;
  seconds: number;
  queries: PgbenchQuery[];
}

export interface PgbenchMeasured {
  /** Calls completed by all callers together. */
  calls: number;
  /** Rows returned (fetch) or written (copy, batch) by those calls. */
  rows: number;
  /** From the start until the last caller's last call completed. */
  wallMs: number;
  rowsPerSecond: number;
}

/** A query the client cannot run yet (pgloom's COPY): said so, never given a figure. */
export interface PgbenchPending {
  pending: string;
}

export type PgbenchOutcome = PgbenchMeasured | PgbenchPending;

export interface PgbenchFigures {
  client: string;
  results: Partial<Record<PgbenchQueryName, PgbenchOutcome>>;
}

export const isPending = (outcome: PgbenchOutcome | undefined): outcome is PgbenchPending => outcome !== undefined && 'pending' in outcome;
