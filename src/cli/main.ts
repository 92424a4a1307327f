#!/usr/bin/env node
// The `pgloom` command: export, import and copy, with exit codes a script can rely on
// (docs/cli.md): 0 done, 1 failed at run time, 2 the command line is wrong.

import type { Command } from 'commander';
import { ExitCode, UsageError } from './exit-codes.js';
import { FORMATS } from './formats.js';
import { secretsOf, withoutPasswords } from './secrets.js';

const DSN_HELP = 'connection string (default: DATABASE_URL, else the PG* variables: PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE…)';

// The commands (and pgloom itself) are imported when one runs: --help and usage errors stay fast.

/** What the user reads on stderr: the cause, and the server's detail and hint when it gave them. */
async function describe(error: unknown): Promise<string> {
  const { PostgresError } = await import('../main/index.js');
  if (error instanceof PostgresError) {
    const lines = [`${error.message} (SQLSTATE ${error.code})`];
    if (error.detail) lines.push(`detail: ${error.detail}`);
    if (error.hint) lines.push(`hint: ${error.hint}`);
    return lines.join('\n');
  }
  if (error instanceof Error) {
    const cause = error.cause instanceof Error && !error.message.includes(error.cause.message) ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

async function exitCodeOf(error: unknown): Promise<number> {
  const { ConfigError } = await import('../main/index.js');
  // A malformed DSN or option value is a mistake in what the user typed, like a bad flag.
  return error instanceof UsageError || error instanceof ConfigError ? ExitCode.Usage : ExitCode.Failure;
}

type Commander = typeof import('commander');

function buildProgram({ Command, InvalidArgumentError, Option }: Commander, report: (message: string) => void): Command {
  function positiveInteger(text: string): number {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError('expected a positive integer');
    return value;
  }

  const program = new Command('pgloom')
    .description('Move data between PostgreSQL and files (CSV, ndjson, Arrow, Parquet) or between servers, through pgloom\'s worker pool.')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
    .showHelpAfterError('(run pgloom --help for usage)')
    .addHelpText('after', '\nExit codes: 0 done; 1 failed at run time (connection, SQL, file, data); 2 the command line is wrong.\nSee docs/cli.md for the formats and their type mappings.');

  program
    .command('export')
    .description('run a query and write its rows to a file, streamed batch by batch')
    .argument('<sql>', 'the query')
    .requiredOption('-o, --out <file>', 'output file, or - for stdout (then --format is required)')
    .addOption(new Option('-f, --format <format>', 'output format (default: from the file extension)').choices(FORMATS))
    .option('--dsn <dsn>', DSN_HELP)
    .option('--batch-rows <n>', 'rows per batch fetched from the server (default 65536): the unit of memory, and of Parquet row groups at most', positiveInteger)
    .option('--partition-on <column>', 'split the query into range queries on this numeric, date or timestamp column, run at once on several connections in one snapshot (docs/partitioned-fetch.md)')
    .option('--partitions <k>', 'how many range queries with --partition-on (default: 2 per worker thread)', positiveInteger)
    .option('-q, --quiet', 'no progress bar')
    .action(async (sql: string, options: { out: string; format?: string; dsn?: string; quiet?: boolean; batchRows?: number; partitionOn?: string; partitions?: number }) => {
      const started = performance.now();
      const { exportQuery } = await import('./export/export-command.js');
      const rows = await exportQuery(sql, options);
      report(`exported ${rows} rows to ${options.out === '-' ? 'stdout' : options.out} in ${((performance.now() - started) / 1000).toFixed(2)} s`);
    });

  program
    .command('import')
    .description('load a file into a table by COPY, in one transaction')
    .argument('<file>', 'the file to load')
    .requiredOption('-t, --table <table>', 'the target table (a name, quoted as given; see --schema)')
    .option('-s, --schema <schema>', 'the table\'s schema (default: the search_path)')
    .addOption(new Option('-f, --format <format>', 'input format (default: from the file extension)').choices(FORMATS))
    .option('--create', 'create the table when it does not exist, from the file\'s columns (docs/cli.md)')
    .option('--dsn <dsn>', DSN_HELP)
    .option('-q, --quiet', 'no progress bar')
    .action(async (file: string, options: { table: string; schema?: string; format?: string; create?: boolean; dsn?: string; quiet?: boolean }) => {
      const started = performance.now();
      const { importFile } = await import('./import/import-command.js');
      const { rows, loadedAs } = await importFile(file, options);
      report(`imported ${rows} rows into ${options.table} in ${((performance.now() - started) / 1000).toFixed(2)} s${loadedAs === undefined ? '' : ` (${loadedAs})`}`);
    });

  program
    .command('copy')
    .description('copy a table (or a query\'s rows) from one server to another, as columns')
    .requiredOption('--from <dsn>', 'the source server')
    .requiredOption('--to <dsn>', 'the target server')
    .requiredOption('-t, --table <table>', 'the table to fill on the target (and to read on the source, without --query)')
    .option('-s, --schema <schema>', 'the table\'s schema')
    .option('--query <sql>', 'read this query\'s rows on the source instead of the whole table')
    .option('--batch-rows <n>', 'rows per batch (default 65536)', positiveInteger)
    .option('-q, --quiet', 'no progress bar')
    .action(async (options: { from: string; to: string; table: string; schema?: string; query?: string; quiet?: boolean; batchRows?: number }) => {
      const started = performance.now();
      const { copyBetweenServers } = await import('./copy-command.js');
      const rows = await copyBetweenServers(options);
      report(`copied ${rows} rows into ${options.table} in ${((performance.now() - started) / 1000).toFixed(2)} s`);
    });

  return program;
}

async function main(argv: readonly string[]): Promise<number> {
  const quiet = argv.includes('-q') || argv.includes('--quiet');
  const commander = await import('commander');
  // The summary line goes to stderr, so stdout carries only data (for --out -).
  const program = buildProgram(commander, (message) => {
    if (!quiet) process.stderr.write(`pgloom: ${message}\n`);
  });
  const secrets = secretsOf([process.env.DATABASE_URL, ...argv]);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ExitCode.Ok;
  } catch (error) {
    if (error instanceof commander.CommanderError) {
      // Help and version are not failures; commander has already printed its message.
      return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    process.stderr.write(`pgloom: error: ${withoutPasswords(await describe(error), secrets)}\n`);
    if (error instanceof UsageError) process.stderr.write('(run pgloom --help for usage)\n');
    return exitCodeOf(error);
  }
}

// The command's modules (pgloom's engine among them) start loading before commander has parsed the
// line, so that loading overlaps commander's (the action's own import() then finds them loaded);
// not for --help, which needs none of them.
const COMMAND_MODULES: Record<string, () => Promise<unknown>> = {
  export: () => import('./export/export-command.js'),
  import: () => import('./import/import-command.js'),
  copy: () => import('./copy-command.js'),
};
// A failure surfaces where the action imports the module again; here it is only a head start.
if (!process.argv.includes('--help') && !process.argv.includes('-h')) COMMAND_MODULES[process.argv[2]]?.().catch(() => undefined);

process.exitCode = await main(process.argv.slice(2));
