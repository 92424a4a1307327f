// The pgbench suite's table as cells, one column per client: printed by the suite and written to
// bench/README.md, so both show the same figures.

import type { PgbenchClientSummary, PgbenchSummary } from './pgbench-suite.js';

const rate = (value: number | undefined) => (value === undefined ? '—' : Math.round(value).toLocaleString('en'));
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || !b ? '—' : `${(a / b).toFixed(2)}×`);

export function pgbenchTable(summary: PgbenchSummary): { header: string[]; rows: string[][] } {
  const { clients, queries, commonQueries } = summary;
  const common = `geomean, ${commonQueries.length} queries all clients ran`;
  const all = `geomean, all ${queries.length}`;
  const find = (name: string) => clients.find((c) => c.client === name);
  const ratioRows = (label: string, pick: (c: PgbenchClientSummary) => number | undefined) =>
    ['asyncpg', 'pg'].map((peer) => {
      const base = find(peer);
      return [`${label} vs ${peer}`, ...clients.map((c) => ratio(pick(c), base && pick(base)))];
    });
  const perQuery = queries.map(({ name, title }) => [title, ...clients.map((c) => (c.pending[name] !== undefined ? 'pending' : rate(c.rowsPerSecond[name])))]);
  // When every client ran every query the two means are one: it is shown once.
  if (commonQueries.length === queries.length) {
    return {
      header: ['query', ...clients.map((c) => c.client)],
      rows: [...perQuery, [`geomean, all ${queries.length}`, ...clients.map((c) => rate(c.geomeanAll))], ...ratioRows(`geomean (${queries.length})`, (c) => c.geomeanAll)],
    };
  }
  return {
    header: ['query', ...clients.map((c) => c.client)],
    rows: [
      ...perQuery,
      [common, ...clients.map((c) => rate(c.geomeanCommon))],
      [all, ...clients.map((c) => rate(c.geomeanAll))],
      ...ratioRows(`geomean (${commonQueries.length})`, (c) => c.geomeanCommon),
      ...ratioRows(`geomean (${queries.length})`, (c) => c.geomeanAll),
    ],
  };
}
