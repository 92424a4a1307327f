// String(e) of a server error reads as psql prints it: the first line, then DETAIL and HINT.

import { describe, expect, it } from 'vitest';
import { PostgresSyntaxError, UndefinedFunctionError, UniqueViolationError } from '../../src/main/index.js';
import { uniqueTable, withConnection } from '../support/server.js';
import { rejectionOf } from '../support/deadlines.js';

describe('String(e) of a PostgresError from the server', () => {
  it('has its DETAIL and HINT lines', async () => {
    await withConnection(async (db) => {
      const table = uniqueTable('error_text');
      await db.execute(`create temp table ${table}(id int primary key)`);
      await db.execute(`insert into ${table} values (1)`);
      const duplicate = await rejectionOf(db.execute(`insert into ${table} values ($1)`, [1]));
      expect(duplicate).toBeInstanceOf(UniqueViolationError);
      expect(String(duplicate)).toBe(`UniqueViolationError: duplicate key value violates unique constraint "${table}_pkey"\nDETAIL:  Key (id)=(1) already exists.`);

      const noFunction = await rejectionOf(db.fetch('select pgloom_no_such_function(1)'));
      expect(noFunction).toBeInstanceOf(UndefinedFunctionError);
      expect(String(noFunction)).toMatch(/^UndefinedFunctionError: function pgloom_no_such_function\(integer\) does not exist\nHINT:  No function matches the given name and argument types\. /);

      const syntax = await rejectionOf(db.fetch('selec 1'));
      expect(syntax).toBeInstanceOf(PostgresSyntaxError);
      expect(String(syntax)).toBe('PostgresSyntaxError: syntax error at or near "selec"');
    });
  });
});
