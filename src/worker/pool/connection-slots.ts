// The connections one worker owns: opened on demand up to connectionsPerWorker, reused while they
// last, closed after maxQueriesPerConnection queries or maxInactiveConnectionLifetime idle, and
// dropped when lost. Nothing waits here: the main thread's queue sends a call only when this
// worker has a connection free or room to open one.

import { InterfaceError } from '../../codec/errors/client-errors.js';
import type { PostgresErrorFields } from '../../codec/errors/postgres-error.js';
import { TypeCatalog } from '../../codec/types/introspected/catalog.js';
import { resolveConnectionPlan } from '../config/resolve.js';
import type { PgConnection } from '../connection.js';
import { openConnection, type ConnectionPlan } from '../open-connection.js';
import { runSimpleQuery } from '../requests.js';
import type { ConnectionCounts, WorkerConfig } from './contract.js';

export interface Lease {
  connection: PgConnection;
  /** Notices of the current call go here. */
  notices: PostgresErrorFields[];
}

interface Slot {
  connection: PgConnection;
  generation: number;
  queries: number;
  idleTimer?: NodeJS.Timeout;
  lease: Lease;
}

export class ConnectionSlots {
  private plan: ConnectionPlan;
  private connectionOptions: WorkerConfig['connection'];
  /** Connections opened before the last expire() are closed when given back. */
  private generation = 0;
  private readonly idle: Slot[] = [];
  private readonly bySlot = new Map<PgConnection, Slot>();
  private opening = 0;
  private closed = false;
  /** Connections minConnections opens ahead of demand; a call that finds none idle takes one over. */
  private readonly warming: { slot: Promise<Slot>; taken: boolean }[] = [];
  /** One type catalog for all of this worker's connections: a type is introspected once per worker. */
  readonly catalog: TypeCatalog;

  constructor(
    private readonly config: WorkerConfig,
    /** Called whenever the counts may have changed. */
    private readonly onChange: () => void,
  ) {
    this.connectionOptions = config.connection;
    this.plan = resolveConnectionPlan(config.connection);
    this.catalog = new TypeCatalog(config.types);
  }

  counts(): ConnectionCounts {
    let broken = 0;
    for (const connection of this.bySlot.keys()) if (connection.broken) broken++;
    return { open: this.bySlot.size - broken, idle: this.idle.length, opening: this.opening, broken };
  }

  /** An idle connection at once, or undefined (then acquire() opens or takes one over). */
  takeIdle(): Lease | undefined {
    for (let slot = this.idle.pop(); slot !== undefined; slot = this.idle.pop()) {
      clearTimeout(slot.idleTimer);
      if (slot.connection.broken) this.bySlot.delete(slot.connection);
      else return this.lend(slot);
    }
    return undefined;
  }

  /** A connection for one call: an idle one, or a new one (which may fail with the server's error). */
  async acquire(): Promise<Lease> {
    for (;;) {
      const idle = this.takeIdle();
      if (idle !== undefined) return idle;
      const slot = await (this.takeWarming() ?? this.open());
      if (slot.connection.broken) this.bySlot.delete(slot.connection);
      else return this.lend(slot);
    }
  }

  private lend(slot: Slot): Lease {
    slot.queries++;
    slot.lease.notices = [];
    this.onChange();
    return slot.lease;
  }

  /** Give a connection back; a broken one, one past its query budget or left in a transaction is closed. */
  release(lease: Lease): void {
    const slot = this.bySlot.get(lease.connection);
    if (slot === undefined) return;
    const connection = slot.connection;
    const spent = (this.config.maxQueriesPerConnection > 0 && slot.queries >= this.config.maxQueriesPerConnection) || slot.generation !== this.generation;
    if (this.closed || connection.broken || spent || connection.transactionStatus !== 'idle') {
      this.bySlot.delete(connection);
      if (connection.broken) connection.destroy();
      else void connection.close().catch(() => undefined);
    } else {
      const lifetime = this.config.maxInactiveConnectionLifetime;
      if (lifetime > 0) {
        slot.idleTimer = setTimeout(() => this.retireIdle(slot), lifetime);
        slot.idleTimer.unref();
      }
      this.idle.push(slot);
    }
    this.onChange();
  }

  /** Open connections up to `count` ahead of demand (minConnections); failures surface on use. */
  warm(count: number): void {
    for (let i = this.bySlot.size + this.opening; i < Math.min(count, this.config.connectionsPerWorker); i++) {
      const warming = { slot: this.open(), taken: false };
      this.warming.push(warming);
      warming.slot.then((slot) => {
        if (warming.taken) return;
        this.warming.splice(this.warming.indexOf(warming), 1);
        this.release(slot.lease);
      }, () => {
        if (!warming.taken) this.warming.splice(this.warming.indexOf(warming), 1);
      });
    }
  }

  private takeWarming(): Promise<Slot> | undefined {
    const warming = this.warming.shift();
    if (warming === undefined) return undefined;
    warming.taken = true;
    return warming.slot;
  }

  /** Close every connection (the pool is closing); connections in use close when given back. */
  async closeAll(): Promise<void> {
    this.closed = true;
    const idle = this.idle.splice(0);
    for (const slot of idle) this.bySlot.delete(slot.connection);
    await Promise.all(idle.map((slot) => {
      clearTimeout(slot.idleTimer);
      return slot.connection.close().catch(() => undefined);
    }));
    this.onChange();
  }

  /**
   * Replace every connection: idle ones are closed now, those in use when given back, and new
   * ones are opened with `connection` when given (pool.setConnectArgs).
   */
  expire(connection?: WorkerConfig['connection']): void {
    if (connection !== undefined) this.setConnection(connection);
    this.generation++;
    for (const slot of this.idle.splice(0)) {
      clearTimeout(slot.idleTimer);
      this.bySlot.delete(slot.connection);
      void slot.connection.close().catch(() => undefined);
    }
    this.onChange();
  }

  /** The pool's connect callback on the main thread; resolves once the main thread sent it (connectArgsFromMain). */
  private connectArgs: Promise<() => Promise<WorkerConfig['connection']>> | undefined;
  private giveConnectArgs: ((provider: () => Promise<WorkerConfig['connection']>) => void) | undefined;

  setConnectArgsProvider(provider: () => Promise<WorkerConfig['connection']>): void {
    if (this.giveConnectArgs === undefined) this.connectArgs = Promise.resolve(provider);
    else this.giveConnectArgs(provider);
  }

  /** How to open the next connection: the pool's options, with what the connect callback returns over them. */
  private async nextPlan(): Promise<ConnectionPlan> {
    if (!this.config.connectArgsFromMain) return this.plan;
    this.connectArgs ??= new Promise((resolve) => (this.giveConnectArgs = resolve));
    const provider = await this.connectArgs;
    return resolveConnectionPlan({ ...this.connectionOptions, ...(await provider()) });
  }

  /** Use `connection` for connections opened from now on (pool.setConnectArgs); open ones stay. */
  setConnection(connection: WorkerConfig['connection']): void {
    this.connectionOptions = connection;
    this.plan = resolveConnectionPlan(connection);
  }

  /** Cut every connection at once (the worker is going away). */
  destroyAll(): void {
    this.closed = true;
    for (const connection of this.bySlot.keys()) connection.destroy();
    this.bySlot.clear();
    this.idle.length = 0;
  }

  private async open(): Promise<Slot> {
    if (this.closed) throw new InterfaceError('the pool is closing');
    if (this.bySlot.size + this.opening >= this.config.connectionsPerWorker) {
      // The main thread's queue counts every connection: reaching this is a bug, not load.
      throw new InterfaceError(`pool worker asked for more than connectionsPerWorker (${this.config.connectionsPerWorker}) connections`);
    }
    this.opening++;
    this.onChange();
    const generation = this.generation;
    let connection: PgConnection;
    try {
      connection = await openConnection(await this.nextPlan(), {
        statementCacheSize: this.config.statementCacheSize,
        maxCachedStatementLifetime: this.config.maxCachedStatementLifetime,
        maxCacheableStatementSize: this.config.maxCacheableStatementSize,
        types: this.config.types,
        catalog: this.catalog,
      });
      if (this.config.init !== undefined) {
        try {
          await runSimpleQuery(connection, this.config.init);
        } catch (error) {
          connection.destroy();
          throw error;
        }
      }
    } finally {
      this.opening--;
      this.onChange();
    }
    const lease: Lease = { connection, notices: [] };
    connection.options.onNotice = (notice) => lease.notices.push(notice);
    const slot: Slot = { connection, generation, queries: 0, lease };
    this.bySlot.set(connection, slot);
    return slot;
  }

  private retireIdle(slot: Slot): void {
    const at = this.idle.indexOf(slot);
    if (at < 0) return;
    this.idle.splice(at, 1);
    this.bySlot.delete(slot.connection);
    void slot.connection.close().catch(() => undefined);
    this.onChange();
  }
}
