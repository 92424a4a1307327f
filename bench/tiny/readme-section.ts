// The tinybench section of bench/README.md: every table of the latest full tiny run, as measured.

import { tableCells, type TinyTable } from './table.js';
import type { TinyRun } from './tiny-run.js';

function markdown(table: TinyTable): string[] {
  const { header, rows } = tableCells(table);
  const lines = [`### ${table.suite}: ${table.name}`, ''];
  if (table.note !== undefined) lines.push(`${table.note.charAt(0).toUpperCase()}${table.note.slice(1)}.`, '');
  lines.push(`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`);
  for (const cells of rows) lines.push(`| ${cells.join(' | ')} |`);
  lines.push('');
  return lines;
}

export function tinyReadmeLines(run: TinyRun): string[] {
  const { settings } = run;
  const server = run.server === undefined ? '' : ` against PostgreSQL ${run.server.version} (${run.server.source})`;
  return [
    '## tinybench: per call and per codec',
    '',
    '`npm run bench:tiny` runs [tinybench](https://github.com/tinylibs/tinybench) suites in one process (`-- --filter NAME[,NAME…]`',
    'keeps the tasks whose "suite / table / task" name contains one of them, `--time MS` sets the time per task, `--quick` is',
    'the smoke run `npm test` ends with) and writes `bench/results/<date>-<host>-tiny.json`. The `calls` tables put pgloom\'s',
    'pool, pgloom\'s `connect()`, pg and postgres.js in one Bench per kind of call, one call at a time, each client with up to',
    'four connections to the same server and its own unlogged tables; `vs pg` is ops/s over pg\'s. The `codecs` tables need',
    'no server: pgloom\'s own decoders and encoders over values built with its own encoders, one task a pass over every value',
    '(ns/value = mean ÷ values). ops/s is 1000 ÷ the mean latency in ms; ± is the margin of error of the mean (95 %).',
    'How to benchmark pgloom against your own client, and the pitfalls: [docs/benchmarking.md](../docs/benchmarking.md).',
    '',
    `Latest full run: ${run.date.slice(0, 16).replace('T', ' ')} UTC on ${run.host}, Node ${run.node}${server}, ${settings.timeMs} ms per task after ${settings.warmupMs} ms of warm-up (at least ${settings.iterations} samples).`,
    '',
    ...run.tables.flatMap(markdown),
  ];
}
