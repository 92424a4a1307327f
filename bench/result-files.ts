// The runs kept in bench/results/: the latest full `npm run bench` and the latest full tiny run,
// which bench/README.md is written from.

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RunResults } from './readme.js';
import type { TinyRun } from './tiny/tiny-run.js';

const resultsDirectory = fileURLToPath(new URL('../../bench/results/', import.meta.url));

function readRuns(): Record<string, unknown>[] {
  let names: string[];
  try {
    names = readdirSync(resultsDirectory).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  return names.map((name) => JSON.parse(readFileSync(`${resultsDirectory}${name}`, 'utf8')) as Record<string, unknown>);
}

function latest<T extends { date: string }>(runs: T[]): T | undefined {
  return runs.sort((a, b) => a.date.localeCompare(b.date)).at(-1);
}

/** The latest tiny run of every task at full size. */
export function latestFullTinyRun(): TinyRun | undefined {
  return latest(readRuns().filter((run): run is TinyRun & Record<string, unknown> => run.kind === 'tiny' && run.full === true));
}

/** The latest `npm run bench` of every suite at full size (what run.ts writes the README from). */
export function latestFullRun(): RunResults | undefined {
  const full = readRuns().filter((run): run is RunResults & Record<string, unknown> => {
    const settings = run.settings as { quick?: boolean; suites?: string[] } | undefined;
    return run.kind === undefined && settings?.quick === false && ['rows', 'calls', 'pgbench'].every((suite) => settings.suites?.includes(suite) === true);
  });
  return latest(full);
}
