// The connections one worker owns: opened lazily up to connectionsPerWorker, reused while they
// last, closed after maxQueriesPerConnection queries or maxInactiveConnectionLifetime idle, and
// dropped (to be reopened on demand) when lost.

import { runSimpleQuery } from '../requests.js';
import type { PgConnection } from '../connection.js';
import { openConnection, type ConnectionPlan } from '../open-connection.js';
import { resolveConnectionPlan } from '../config/resolve.js';
import type { PostgresErrorFields } from '../../codec/errors/postgres-error.js';
import { TypeCatalog } from '../../codec/types/introspected/catalog.js';
import type { WorkerConfig } from './messages.js';

export interface Lease {
  connection: PgConnection;
  /** Notices of the current task go here. */
  notices: PostgresErrorFields[];
}

interface Slot {
  connection: PgConnection;
  queries: number;
  idleTimer?: NodeJS.Timeout;
  lease: Lease;
}

export class ConnectionSlots {
  private readonly plan: ConnectionPlan;
  private readonly idle: Slot[] = [];
  private readonly bySlot = new Map<PgConnection, Slot>();
  private readonly waiters: ((slot: Slot | undefined) => void)[] = [];
  private opening = 0;
  /** One type catalog for all of this worker's connections: a type is introspected once per worker. */
  readonly catalog: TypeCatalog;

  constructor(private readonly config: WorkerConfig) {
    this.plan = resolveConnectionPlan(config.connection);
    this.catalog = new TypeCatalog(config.types);
  }

  /** Connections open or being opened. */
  get size(): number {
    return this.bySlot.size + this.opening;
  }

  get idleCount(): number {
    return this.idle.length;
  }

  async acquire(): Promise<Lease> {
    for (;;) {
      const slot = this.idle.pop() ?? (this.size < this.config.connectionsPerWorker ? await this.open() : await this.waitForRelease());
      if (slot === undefined) continue;
      clearTimeout(slot.idleTimer);
      if (slot.connection.broken) {
        this.bySlot.delete(slot.connection);
        continue;
      }
      slot.queries++;
      slot.lease.notices = [];
      return slot.lease;
    }
  }

  /** Give a connection back; a broken one, or one past its query budget, is closed. */
  release(lease: Lease): void {
    const slot = this.bySlot.get(lease.connection);
    if (slot === undefined) return;
    const connection = slot.connection;
    const spent = this.config.maxQueriesPerConnection > 0 && slot.queries >= this.config.maxQueriesPerConnection;
    if (connection.broken || spent || connection.transactionStatus !== 'idle') {
      this.bySlot.delete(connection);
      if (connection.broken) connection.destroy();
      else void connection.close().catch(() => undefined);
      this.wakeWaiter(undefined);
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter !== undefined) return waiter(slot);
    const lifetime = this.config.maxInactiveConnectionLifetime;
    if (lifetime > 0) {
      slot.idleTimer = setTimeout(() => this.retireIdle(slot), lifetime);
      slot.idleTimer.unref();
    }
    this.idle.push(slot);
  }

  /** Open connections up to `count` ahead of demand (minConnections); failures surface on use. */
  warm(count: number): void {
    for (let i = this.size; i < Math.min(count, this.config.connectionsPerWorker); i++) {
      this.open().then((slot) => this.release(slot.lease), () => undefined);
    }
  }

  /** Close every connection (the worker is going away). */
  async closeAll(): Promise<void> {
    const all = [...this.bySlot.values()];
    this.idle.length = 0;
    this.bySlot.clear();
    await Promise.all(all.map((slot) => {
      clearTimeout(slot.idleTimer);
      return slot.connection.close().catch(() => undefined);
    }));
  }

  private async open(): Promise<Slot> {
    this.opening++;
    let connection: PgConnection;
    try {
      connection = await openConnection(this.plan, {
        statementCacheSize: this.config.statementCacheSize,
        types: this.config.types,
        catalog: this.catalog,
      });
    } finally {
      this.opening--;
    }
    const lease: Lease = { connection, notices: [] };
    connection.options.onNotice = (notice) => lease.notices.push(notice);
    const slot: Slot = { connection, queries: 0, lease };
    this.bySlot.set(connection, slot);
    if (this.config.init !== undefined) {
      try {
        await runSimpleQuery(connection, this.config.init);
      } catch (error) {
        this.bySlot.delete(connection);
        connection.destroy();
        throw error;
      }
    }
    return slot;
  }

  private waitForRelease(): Promise<Slot | undefined> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** A waiter gets `undefined` when a connection closed: it may then open a new one. */
  private wakeWaiter(slot: Slot | undefined): void {
    this.waiters.shift()?.(slot);
  }

  private retireIdle(slot: Slot): void {
    const at = this.idle.indexOf(slot);
    if (at < 0) return;
    this.idle.splice(at, 1);
    this.bySlot.delete(slot.connection);
    void slot.connection.close().catch(() => undefined);
  }
}
