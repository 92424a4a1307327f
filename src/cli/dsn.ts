// Which server a command talks to: --dsn, else DATABASE_URL, else the PG* variables (which pgloom
// reads itself). Apart from database.ts, so that a command that needs no pool does not load it.

/** --dsn wins, then DATABASE_URL; undefined lets pgloom read PGHOST, PGUSER, PGPASSWORD… itself. */
export function chooseDsn(option: string | undefined): string | undefined {
  if (option !== undefined && option !== '') return option;
  const fromEnvironment = process.env.DATABASE_URL;
  return fromEnvironment === undefined || fromEnvironment === '' ? undefined : fromEnvironment;
}
