// Server-side cursors, as asyncpg's: `for await (const row of conn.cursor(sql))` iterates a
// result a few rows a round trip; `const cur = await conn.cursor(sql)` gives a Cursor to move
// by hand (fetch, fetchrow, forward). Either way the portal is closed on the server at the end.

import { InterfaceError } from '../codec/errors/client-errors.js';
import type { CallOptions, Row } from './queryable.js';

export interface CursorOptions extends CallOptions {
  /** Rows fetched per round trip when iterating (default 50, as asyncpg). */
  prefetch?: number;
}

/** One round trip's rows, and whether the portal has more. */
export interface PortalPage<R> {
  rows: R[];
  suspended: boolean;
}

/** What a connection gives its cursors: the portal steps, run on its one server session. */
export interface PortalDriver {
  /** Bind `sql` to the named portal and fetch its first `maxRows` rows. */
  open<R>(sql: string, params: readonly unknown[], portal: string, maxRows: number, rowMode: 'object' | 'array', options: CallOptions): Promise<PortalPage<R>>;
  fetch<R>(portal: string, maxRows: number, rowMode: 'object' | 'array', options: CallOptions): Promise<PortalPage<R>>;
  /** SQL through the simple protocol; resolves with the command tag. */
  simple(sql: string, options: CallOptions): Promise<string>;
  close(portal: string): Promise<void>;
  inTransaction(): boolean;
  usable(): boolean;
}

function checkPrefetch(prefetch: number): void {
  if (!Number.isInteger(prefetch) || prefetch <= 0) throw new InterfaceError(`cursor prefetch must be a positive integer, got ${String(prefetch)}`);
}

function checkCount(n: number, method: string): void {
  if (!Number.isInteger(n) || n < 0) throw new InterfaceError(`cursor.${method}(n): n must be a non-negative integer, got ${String(n)}`);
}

function quotePortal(portal: string): string {
  return `"${portal.replace(/"/g, '""')}"`;
}

function needTransaction(driver: PortalDriver): void {
  if (!driver.inTransaction()) throw new InterfaceError('a cursor needs a transaction: open it inside transaction(…)');
}

/** A cursor to move by hand; its rows are fetched only when asked for. */
export class Cursor<R = Row> {
  #buffered: R[];
  #suspended: boolean;
  #released = false;
  #closedByUser = false;

  /** @internal Use connection.cursor(). */
  constructor(
    private readonly driver: PortalDriver,
    private readonly portal: string,
    first: PortalPage<R>,
    private readonly rowMode: 'object' | 'array',
    private readonly options: CallOptions,
  ) {
    this.#buffered = first.rows;
    this.#suspended = first.suspended;
    // A result that fit in the first page left nothing to fetch: its portal can go at once.
    if (!first.suspended) void this.release().catch(() => undefined);
  }

  /** The next `n` rows (fewer at the end; [] after it). */
  async fetch(n: number, options: CallOptions = this.options): Promise<R[]> {
    checkCount(n, 'fetch');
    this.checkOpen();
    const rows = this.#buffered.splice(0, n);
    if (rows.length < n && this.#suspended) {
      const page = await this.driver.fetch<R>(this.portal, n - rows.length, this.rowMode, options);
      for (const row of page.rows) rows.push(row);
      this.#suspended = page.suspended;
      if (!page.suspended) await this.release();
    }
    return rows;
  }

  /** The next row, or null at the end. */
  async fetchrow(options: CallOptions = this.options): Promise<R | null> {
    const rows = await this.fetch(1, options);
    return rows.length === 0 ? null : rows[0];
  }

  /** Skip `n` rows without fetching them; resolves with the number skipped. */
  async forward(n: number, options: CallOptions = this.options): Promise<number> {
    checkCount(n, 'forward');
    this.checkOpen();
    const skipped = Math.min(n, this.#buffered.length);
    this.#buffered.splice(0, skipped);
    if (skipped === n || !this.#suspended) return skipped;
    const tag = await this.driver.simple(`MOVE FORWARD ${n - skipped} FROM ${quotePortal(this.portal)}`, options);
    const moved = Number(/^MOVE (\d+)$/.exec(tag)?.[1] ?? 0);
    if (moved < n - skipped) {
      await this.release();
    }
    return skipped + moved;
  }

  /** Close the portal on the server (done by itself once the last row was read); the cursor is then unusable. */
  async close(): Promise<void> {
    this.#closedByUser = true;
    this.#buffered = [];
    await this.release();
  }

  private async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    this.#suspended = false;
    if (this.driver.usable() && this.driver.inTransaction()) await this.driver.close(this.portal);
  }

  private checkOpen(): void {
    if (this.#closedByUser) throw new InterfaceError('this cursor was closed: open another');
    if (!this.driver.usable()) throw new InterfaceError("the cursor's connection was released or closed");
  }
}

/**
 * What cursor() returns: iterate it (`for await`), which fetches `prefetch` rows a round trip,
 * or await it for a Cursor.
 */
export class CursorFactory<R = Row> implements AsyncIterable<R>, PromiseLike<Cursor<R>> {
  /** @internal Use connection.cursor(). */
  constructor(
    private readonly driver: PortalDriver,
    private readonly portal: string,
    private readonly sql: string,
    private readonly params: readonly unknown[],
    private readonly rowMode: 'object' | 'array',
    private readonly options: CursorOptions,
  ) {
    if (options.prefetch !== undefined) checkPrefetch(options.prefetch);
  }

  then<A = Cursor<R>, B = never>(onFulfilled?: ((cursor: Cursor<R>) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.open().then(onFulfilled, onRejected);
  }

  private async open(): Promise<Cursor<R>> {
    needTransaction(this.driver);
    // One row is fetched with the opening, which is what reports a bad query here, at once.
    const first = await this.driver.open<R>(this.sql, this.params, this.portal, 1, this.rowMode, this.options);
    return new Cursor<R>(this.driver, this.portal, first, this.rowMode, this.options);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<R> {
    needTransaction(this.driver);
    const prefetch = this.options.prefetch ?? 50;
    let page = await this.driver.open<R>(this.sql, this.params, this.portal, prefetch, this.rowMode, this.options);
    try {
      for (;;) {
        for (const row of page.rows) yield row;
        if (!page.suspended) break;
        page = await this.driver.fetch<R>(this.portal, prefetch, this.rowMode, this.options);
      }
    } finally {
      // Read to its end or left early, the portal stays open on the server until closed.
      if (this.driver.usable() && this.driver.inTransaction()) await this.driver.close(this.portal);
    }
  }
}
