// copyFromQuery's parameters, as asyncpg's copy_from_query does it: COPY takes no bind parameters,
// so the server describes the query (PREPARE: its parameters' types), renders each value as a
// quoted literal of its type (quote_nullable), and each $n outside strings, identifiers and
// comments becomes (literal::type). The values are quoted by the server, never by string
// concatenation here.

import { InterfaceError } from '../../codec/errors/client-errors.js';
import type { CopySession } from './copy-target.js';

let statementCounter = 0;

const PARAMETER_TYPES = `select coalesce(array_agg(format_type(u.t, null) order by u.i), '{}')::text[]
  from pg_catalog.pg_prepared_statements, unnest(parameter_types::oid[]) with ordinality as u(t, i) where name = $1`;

export async function inlineParams(session: CopySession, sql: string, params: readonly unknown[]): Promise<string> {
  const name = `pgloom_copy_params_${process.pid}_${++statementCounter}`;
  await session.execute(`prepare ${name} as ${sql}`);
  let types: string[];
  try {
    types = (await session.query(PARAMETER_TYPES, [name])).rows[0][0] as string[];
  } finally {
    await session.execute(`deallocate ${name}`);
  }
  if (types.length !== params.length) {
    throw new InterfaceError(`copyFromQuery: the query takes ${types.length} parameter(s) but ${params.length} were given: pass one value per placeholder`);
  }
  const literals = types.length === 0 ? [] : ((await session.query(`select ${types.map((type, i) => `quote_nullable($${i + 1}::${type})`).join(', ')}`, [...params])).rows[0] as string[]);
  return replacePlaceholders(sql, (n) => {
    if (n < 1 || n > literals.length) throw new InterfaceError(`copyFromQuery: the query refers to $${n} but has ${literals.length} parameter(s)`);
    return `(${literals[n - 1]}::${types[n - 1]})`;
  });
}

const IDENTIFIER_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;

/** `sql` with every $n placeholder replaced; strings, quoted identifiers, comments and dollar quotes are left alone. */
export function replacePlaceholders(sql: string, replace: (n: number) => string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    let end = i + 1;
    if (c === "'") {
      // E'…' strings escape with backslashes; every string doubles its quotes.
      const escapes = i > 0 && (sql[i - 1] === 'E' || sql[i - 1] === 'e') && (i < 2 || !IDENTIFIER_CHAR.test(sql[i - 2]));
      while (end < sql.length) {
        if (escapes && sql[end] === '\\') end += 2;
        else if (sql[end] === "'" && sql[end + 1] === "'") end += 2;
        else if (sql[end] === "'") break;
        else end++;
      }
      end++;
    } else if (c === '"') {
      while (end < sql.length && !(sql[end] === '"' && sql[end + 1] !== '"')) end += sql[end] === '"' ? 2 : 1;
      end++;
    } else if (c === '-' && next === '-') {
      while (end < sql.length && sql[end] !== '\n') end++;
    } else if (c === '/' && next === '*') {
      let depth = 1;
      end = i + 2;
      while (end < sql.length && depth > 0) {
        if (sql[end] === '/' && sql[end + 1] === '*') (depth++, (end += 2));
        else if (sql[end] === '*' && sql[end + 1] === '/') (depth--, (end += 2));
        else end++;
      }
    } else if (c === '$' && (i === 0 || !IDENTIFIER_CHAR.test(sql[i - 1]))) {
      const placeholder = /^\$(\d+)/.exec(sql.slice(i));
      const tag = placeholder === null ? /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(sql.slice(i)) : null;
      if (placeholder !== null) {
        out += replace(Number(placeholder[1]));
        i += placeholder[0].length;
        continue;
      }
      if (tag !== null) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        end = close < 0 ? sql.length : close + tag[0].length;
      }
    }
    out += sql.slice(i, Math.min(end, sql.length));
    i = end;
  }
  return out;
}
