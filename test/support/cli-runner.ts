// Runs the built `pgloom` binary as a child process, as a shell script would, and reads DuckDB's view
// of the files it writes: the CLI tests check its output with an independent reader.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cliPath = join(root, 'dist', 'cli', 'pgloom.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node dist/cli/pgloom.js …args` (the bundled command, as package.json's bin runs it); the environment is this process's plus `env` (undefined removes a variable). */
export function runCli(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run npm run build before the CLI tests`);
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete childEnv[key];
    else childEnv[key] = value;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let duck: Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> | undefined;

/** One in-memory DuckDB per test file. */
export async function duckdb(): Promise<DuckDBConnection> {
  duck ??= DuckDBInstance.create(':memory:').then(async (instance) => ({ instance, connection: await instance.connect() }));
  return (await duck).connection;
}

/** Close the file's DuckDB (if it opened one) before the process exits, not at its exit. */
export async function closeDuckdb(): Promise<void> {
  const opened = await duck;
  duck = undefined;
  opened?.connection.closeSync();
  opened?.instance.closeSync();
}

/** Rows of a DuckDB query as plain JS values. */
export async function duckRows(sql: string): Promise<Record<string, unknown>[]> {
  const reader = await (await duckdb()).runAndReadAll(sql);
  return reader.getRowObjectsJS() as Record<string, unknown>[];
}

/** A path as a DuckDB string literal. */
export function sqlPath(path: string): string {
  return `'${path.replace(/'/g, "''")}'`;
}
