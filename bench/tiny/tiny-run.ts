// A tiny run's results as written to bench/results/: `<date>-<host>-tiny.json` for a full run (the
// one bench/README.md shows), `-tiny-quick.json` for the smoke run and `-tiny-partial.json` for a
// --filter run, both ignored by git.

import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { TinySettings } from './settings.js';
import type { TinyTable } from './table.js';

export interface TinyRun {
  kind: 'tiny';
  date: string;
  host: string;
  node: string;
  /** Where the per-call suite ran ('DATABASE_URL' or the embedded server) and the server's version; absent when it did not run. */
  server?: { source: string; version: string };
  settings: TinySettings;
  /** Every task at full size: only such a run speaks for pgloom in bench/README.md. */
  full: boolean;
  tables: TinyTable[];
}

export function tinyRunOf(settings: TinySettings, tables: TinyTable[], server: TinyRun['server']): TinyRun {
  return {
    kind: 'tiny',
    date: new Date().toISOString(),
    host: hostname(),
    node: process.version,
    ...(server === undefined ? {} : { server }),
    settings,
    full: !settings.quick && settings.filters.length === 0,
    tables,
  };
}

/** Write the run beside the other results; returns the file's path. */
export function writeTinyRun(run: TinyRun): string {
  const directory = fileURLToPath(new URL('../../../bench/results/', import.meta.url));
  mkdirSync(directory, { recursive: true });
  const suffix = `${run.settings.filters.length > 0 ? '-partial' : ''}${run.settings.quick ? '-quick' : ''}`;
  const file = `${directory}${run.date.slice(0, 10)}-${run.host}-tiny${suffix}.json`;
  writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
  return file;
}
