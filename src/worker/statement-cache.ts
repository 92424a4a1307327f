// A per-connection LRU of named prepared statements: repeated SQL skips Parse and Describe.

import type { StatementDescription } from './statement.js';

export class StatementCache {
  // A Map iterates in insertion order, so re-inserting on use keeps the least recent first.
  private readonly entries = new Map<string, StatementDescription>();
  private counter = 0;

  constructor(readonly capacity: number) {}

  get enabled(): boolean {
    return this.capacity > 0;
  }

  get size(): number {
    return this.entries.size;
  }

  get(sql: string): StatementDescription | undefined {
    const found = this.entries.get(sql);
    if (found) {
      this.entries.delete(sql);
      this.entries.set(sql, found);
    }
    return found;
  }

  /** A fresh server-side name for a statement about to be cached. */
  nextName(): string {
    return `pgloom_${++this.counter}`;
  }

  /** Store a statement; returns the statements evicted to make room (the caller closes them on the server). */
  set(sql: string, statement: StatementDescription): StatementDescription[] {
    this.entries.delete(sql);
    this.entries.set(sql, statement);
    const evicted: StatementDescription[] = [];
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      evicted.push(this.entries.get(oldest)!);
      this.entries.delete(oldest);
    }
    return evicted;
  }

  delete(sql: string): StatementDescription | undefined {
    const found = this.entries.get(sql);
    this.entries.delete(sql);
    return found;
  }

  /** Forget everything (after DISCARD ALL, or when the server lost the statements). */
  clear(): StatementDescription[] {
    const all = [...this.entries.values()];
    this.entries.clear();
    return all;
  }
}
