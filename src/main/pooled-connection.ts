// A connection pinned from a pool (pool.acquire(), withConnection(), transaction()): the
// Connection API until release() gives it back, reset. Two kinds share this surface: a connection
// of the pool's main thread, run inline as connect()'s (./threads/lane-pooled-connection.ts), and a
// connection in a worker, driven call by call over its port (./threads/worker-pooled-connection.ts).

import { inspect } from 'node:util';
import { InterfaceError } from '../codec/errors/client-errors.js';
import type { SessionNotification } from '../worker/pool/contract.js';
import type { TypeCodecSpec } from '../codec/types/introspected/custom.js';
import type { BuiltinCodecOptions } from './connection.js';
import type { CursorOptions } from './cursor.js';
import { Session, type NotificationListener } from './session.js';
import { runInTransaction } from './transaction-runner.js';
import type { CopyColumnsOptions, CopyFromQueryOptions, CopyFromTableOptions, CopyRecordsOptions, CopyToTableOptions } from './copy/copy-options.js';

export type Notification = SessionNotification;

/** The codec settings a connect({ worker: true }) connection forwards to its own pool. */
export interface TypeSettings {
  reloadSchemaState(): Promise<void>;
  setTypeCodec<T>(typeName: string, spec: TypeCodecSpec<T>): Promise<void>;
  setBuiltinTypeCodec(typeName: string, options: BuiltinCodecOptions): Promise<void>;
  resetTypeCodec(typeName: string, options?: { schema?: string }): Promise<void>;
}

/** @deprecated Use CursorOptions (the same options on every connection). */
export type PinnedCursorOptions = CursorOptions;

/** The pool's reset callback, run before the connection goes back. */
export type ResetHook = (connection: PooledConnection) => Promise<void>;

export abstract class PooledConnection extends Session {
  #released = false;
  readonly #resetHook: ResetHook | undefined;

  /** @internal For connect({ worker: true }): close() also stops the connection's own worker. */
  onClose: (() => Promise<void>) | undefined;

  /** @internal For connect({ worker: true }): the one-connection pool whose codecs are this connection's. */
  ownTypes: TypeSettings | undefined;

  /** @internal Use pool.acquire(). */
  protected constructor(resetHook: ResetHook | undefined) {
    super();
    this.#resetHook = resetHook;
  }

  /** The backend's process id (pg_backend_pid()). */
  abstract get processId(): number;

  /** Server settings as of the last call (server_version, TimeZone, …). */
  abstract get parameters(): ReadonlyMap<string, string>;

  /**
   * Ask the server to cancel what this connection runs now: that call fails with the server's
   * QueryCanceledError (57014); the connection stays usable. Nothing happens when it is idle.
   */
  abstract cancel(): Promise<void>;

  /** Binary COPY of records (arrays or objects) into `table` on this connection; resolves with the command tag. */
  abstract copyRecordsToTable(table: string, options: CopyRecordsOptions): Promise<string>;
  /** Binary COPY of columns (typed arrays or value arrays, a RecordBatch or Result, an Arrow table) into `table`, without building rows. */
  abstract copyColumnsToTable(table: string, options: CopyColumnsOptions): Promise<string>;
  /** COPY FROM STDIN of text, CSV or binary bytes from a Readable, a file path, bytes or an iterable. */
  abstract copyToTable(table: string, options: CopyToTableOptions): Promise<string>;
  /** COPY `table` TO STDOUT into a Writable, a file path or a function. */
  abstract copyFromTable(table: string, options: CopyFromTableOptions): Promise<string>;
  /** COPY (`sql`) TO STDOUT into a Writable, a file path or a function. */
  abstract copyFromQuery(sql: string, params: readonly unknown[] | undefined, options: CopyFromQueryOptions): Promise<string>;

  /** The error the connection was lost with (its server or its worker gone), if it was. */
  protected abstract get lostWith(): Error | undefined;

  /** Reset the connection (or close it, `discard`) and free its place in the pool. */
  protected abstract returnToPool(discard: boolean): Promise<void>;

  get serverVersion(): string | undefined {
    return this.parameters.get('server_version');
  }

  get released(): boolean {
    return this.#released;
  }

  /** True once released, closed, or lost: nothing more can run on it. */
  get closed(): boolean {
    return !this.usable;
  }

  protected get usable(): boolean {
    return this.lostWith === undefined && !this.#released;
  }

  /** @internal pool.transaction: the connection was opened with BEGIN already run, and is released when the transaction ends. */
  continueTransaction<T>(fn: (connection: this) => Promise<T>): Promise<T> {
    return runInTransaction(this.transactionHost, () => fn(this), undefined, true, true);
  }

  /** LISTEN on `channel`; `handler` gets each NOTIFY (the same as addListener). */
  listen(channel: string, handler: NotificationListener<this>): Promise<void> {
    return this.addListener(channel, handler);
  }

  /** Stop `handler` (or every handler) for `channel`; UNLISTEN when none is left (the same as removeListener). */
  async unlisten(channel: string, handler?: NotificationListener<this>): Promise<void> {
    this.checkUsable();
    return this.removeListener(channel, handler);
  }

  /** Forget introspected types (after ALTER TYPE), as Connection.reloadSchemaState. */
  async reloadSchemaState(): Promise<void> {
    return this.#typeSettings().reloadSchemaState();
  }

  /** A custom codec for `typeName` (run on this thread: see Pool.setTypeCodec). */
  async setTypeCodec<T>(typeName: string, spec: TypeCodecSpec<T>): Promise<void> {
    return this.#typeSettings().setTypeCodec(typeName, spec);
  }

  async setBuiltinTypeCodec(typeName: string, options: BuiltinCodecOptions): Promise<void> {
    return this.#typeSettings().setBuiltinTypeCodec(typeName, options);
  }

  async resetTypeCodec(typeName: string, options: { schema?: string } = {}): Promise<void> {
    return this.#typeSettings().resetTypeCodec(typeName, options);
  }

  #typeSettings(): TypeSettings {
    if (this.ownTypes === undefined) {
      throw new InterfaceError("a connection acquired from a pool uses its pool's codecs: call pool.setTypeCodec / pool.reloadSchemaState instead");
    }
    return this.ownTypes;
  }

  /** Release the connection; for connect({ worker: true }) also stop its worker thread. */
  async close(): Promise<void> {
    await this.release();
    await this.onClose?.();
  }

  /** Close at once: the connection is destroyed, not reset and reused (for connect({ worker: true }) its worker stops too). */
  async terminate(): Promise<void> {
    await this.#giveBack(true);
    await this.onClose?.();
  }

  /** Give the connection back to the pool (after a reset); this object is then unusable. */
  async release(): Promise<void> {
    if (this.#released) return;
    let discard = false;
    let resetError: unknown;
    if (this.#resetHook !== undefined && this.lostWith === undefined) {
      try {
        await this.#resetHook(this);
      } catch (error) {
        // A connection the user's reset could not clean is closed rather than handed on.
        discard = true;
        resetError = error;
      }
    }
    await this.#giveBack(discard);
    if (discard) throw resetError;
  }

  async #giveBack(discard: boolean): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    this.forgetListeners();
    await this.returnToPool(discard);
    this.terminated(undefined);
  }

  /** Throws when nothing more may run here: released, or lost. */
  protected checkUsable(): void {
    if (this.#released) throw new InterfaceError('this pooled connection was released: acquire another');
    const lost = this.lostWith;
    if (lost !== undefined) throw lost;
  }

  toJSON(): Record<string, unknown> {
    return { processId: this.processId, transactionStatus: this.transactionStatus, released: this.#released };
  }

  [inspect.custom](): string {
    return `PooledConnection { processId: ${this.processId}, transactionStatus: '${this.transactionStatus}', released: ${this.#released} }`;
  }
}
