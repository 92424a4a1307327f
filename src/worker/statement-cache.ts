// A per-connection LRU of named prepared statements: repeated SQL skips Parse and Describe.
// As asyncpg's: a statement older than its lifetime is prepared again (plans and the catalog
// move on), and a very long SQL text is not cached at all (it is rarely repeated, and the server
// keeps every cached statement's plan).

import type { StatementDescription } from './statement.js';

export interface StatementCacheLimits {
  /** Statements kept; 0 disables the cache. */
  capacity: number;
  /** ms a cached statement is reused before it is prepared again; 0 = forever. */
  maxLifetimeMs: number;
  /** SQL longer than this many bytes (UTF-8) is never cached; 0 = no limit. */
  maxStatementSize: number;
}

interface Entry {
  statement: StatementDescription;
  storedAt: number;
}

export class StatementCache {
  // A Map iterates in insertion order, so re-inserting on use keeps the least recent first.
  private readonly entries = new Map<string, Entry>();
  private counter = 0;
  readonly capacity: number;
  private readonly maxLifetimeMs: number;
  private readonly maxStatementSize: number;

  constructor(limits: number | StatementCacheLimits) {
    const resolved = typeof limits === 'number' ? { capacity: limits, maxLifetimeMs: 0, maxStatementSize: 0 } : limits;
    this.capacity = resolved.capacity;
    this.maxLifetimeMs = resolved.maxLifetimeMs;
    this.maxStatementSize = resolved.maxStatementSize;
  }

  get enabled(): boolean {
    return this.capacity > 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Whether `sql` may be cached: the cache is on and the text is within maxStatementSize. */
  accepts(sql: string): boolean {
    if (this.capacity === 0) return false;
    // Length in UTF-16 units bounds the UTF-8 length from below by a factor of 3 at most: measure only near the limit.
    return this.maxStatementSize === 0 || sql.length * 3 <= this.maxStatementSize || Buffer.byteLength(sql) <= this.maxStatementSize;
  }

  /** The cached statement for `sql`; one past its lifetime is dropped and handed to `onExpired` (to close on the server). */
  get(sql: string, onExpired?: (statement: StatementDescription) => void): StatementDescription | undefined {
    const found = this.entries.get(sql);
    if (found === undefined) return undefined;
    this.entries.delete(sql);
    if (this.maxLifetimeMs > 0 && Date.now() - found.storedAt > this.maxLifetimeMs) {
      onExpired?.(found.statement);
      return undefined;
    }
    this.entries.set(sql, found);
    return found.statement;
  }

  /** A fresh server-side name for a statement about to be cached. */
  nextName(): string {
    return `pgloom_${++this.counter}`;
  }

  /** Store a statement; returns the statements evicted to make room (the caller closes them on the server). */
  set(sql: string, statement: StatementDescription): StatementDescription[] {
    const previous = this.entries.get(sql);
    this.entries.delete(sql);
    // The same server statement re-picked against a newer catalog keeps its age.
    const storedAt = previous !== undefined && previous.statement.name === statement.name ? previous.storedAt : Date.now();
    this.entries.set(sql, { statement, storedAt });
    const evicted: StatementDescription[] = [];
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      evicted.push(this.entries.get(oldest)!.statement);
      this.entries.delete(oldest);
    }
    return evicted;
  }

  delete(sql: string): StatementDescription | undefined {
    const found = this.entries.get(sql);
    this.entries.delete(sql);
    return found?.statement;
  }

  /** Forget everything (after DISCARD ALL, or when the server lost the statements). */
  clear(): StatementDescription[] {
    const all = [...this.entries.values()].map((entry) => entry.statement);
    this.entries.clear();
    return all;
  }
}
