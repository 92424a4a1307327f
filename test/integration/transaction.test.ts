import { describe, it, expect } from 'vitest';
import { InterfaceError } from '../../src/main/index.js';
import { withConnection, uniqueTable } from '../support/server.js';

describe('transaction()', () => {
  it('commits when the callback returns and passes its value through', async () => {
    await withConnection(async (db) => {
      const table = uniqueTable('tx');
      await db.execute(`create temp table ${table}(v int)`);
      const value = await db.transaction(async (tx) => {
        await tx.execute(`insert into ${table} values ($1)`, [1]);
        expect(tx.transactionStatus).toBe('transaction');
        return 'done';
      });
      expect(value).toBe('done');
      expect(db.transactionStatus).toBe('idle');
      expect(await db.fetchval(`select count(*)::int from ${table}`)).toBe(1);
    });
  });

  it('rolls back and rethrows when the callback throws', async () => {
    await withConnection(async (db) => {
      const table = uniqueTable('tx');
      await db.execute(`create temp table ${table}(v int)`);
      const boom = new Error('boom');
      await expect(db.transaction(async (tx) => {
        await tx.execute(`insert into ${table} values ($1)`, [1]);
        throw boom;
      })).rejects.toBe(boom);
      expect(await db.fetchval(`select count(*)::int from ${table}`)).toBe(0);
      expect(db.transactionStatus).toBe('idle');
    });
  });

  it('nests with savepoints: an inner failure rolls back only the inner part', async () => {
    await withConnection(async (db) => {
      const table = uniqueTable('tx');
      await db.execute(`create temp table ${table}(v int)`);
      await db.transaction(async (tx) => {
        await tx.execute(`insert into ${table} values (1)`);
        await expect(tx.transaction(async (inner) => {
          await inner.execute(`insert into ${table} values (2)`);
          await inner.execute('select 1/0');
        })).rejects.toMatchObject({ code: '22012' });
        await tx.transaction(async (inner) => inner.execute(`insert into ${table} values (3)`));
      });
      expect((await db.fetch(`select v from ${table} order by v`)).map((r) => r.v)).toEqual([1, 3]);
    });
  });

  it('applies isolation, readOnly and deferrable', async () => {
    await withConnection(async (db) => {
      await db.transaction(async (tx) => {
        expect(await tx.fetchval('show transaction_isolation')).toBe('serializable');
        expect(await tx.fetchval('show transaction_read_only')).toBe('on');
        expect(await tx.fetchval('show transaction_deferrable')).toBe('on');
      }, { isolation: 'serializable', readOnly: true, deferrable: true });
      await db.transaction(async (tx) => {
        expect(await tx.fetchval('show transaction_isolation')).toBe('repeatable read');
      }, { isolation: 'repeatable read' });
      await expect(db.transaction(async () => {}, { isolation: 'chaos' as never })).rejects.toThrow(InterfaceError);
    });
  });

  it('refuses to report success when a swallowed error made COMMIT roll back', async () => {
    await withConnection(async (db) => {
      await expect(db.transaction(async (tx) => {
        await tx.execute('select 1/0').catch(() => undefined);
      })).rejects.toThrow(/rolled back/);
      expect(db.transactionStatus).toBe('idle');
      expect(await db.fetchval('select 1')).toBe(1);
    });
  });
});

describe('cursor()', () => {
  it('iterates every row a prefetch at a time', async () => {
    await withConnection(async (db) => {
      const seen: number[] = [];
      await db.transaction(async (tx) => {
        for await (const row of tx.cursor<{ i: number }>('select i from generate_series(1, $1::int) i', [1000], { prefetch: 7 })) seen.push(row.i);
      });
      expect(seen).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    });
  });

  it('closes the portal when iteration stops early', async () => {
    await withConnection(async (db) => {
      await db.transaction(async (tx) => {
        let count = 0;
        for await (const _row of tx.cursor('select i from generate_series(1, 100) i', [], { prefetch: 10 })) if (++count === 15) break;
        expect(count).toBe(15);
        expect(await tx.fetchval(`select count(*)::int from pg_cursors where name like 'pgloom_cursor_%'`)).toBe(0);
      });
    });
  });

  it('needs a transaction', async () => {
    await withConnection(async (db) => {
      const iterate = async () => {
        for await (const _row of db.cursor('select 1')) { /* nothing */ }
      };
      await expect(iterate()).rejects.toThrow(/needs a transaction/);
    });
  });
});
