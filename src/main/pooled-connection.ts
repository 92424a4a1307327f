// A connection pinned in a pool worker (pool.acquire()): the Connection API, each call a message
// to the worker that holds the connection. Used for transactions, cursors and LISTEN.

import type { MessagePort } from 'node:worker_threads';
import { proxy, type Remote } from 'comlink';
import { InterfaceError, QueryAbortedError, QueryTimeoutError } from '../codec/errors/client-errors.js';
import type { PostgresErrorFields } from '../codec/errors/postgres-error.js';
import { deserializeError } from '../codec/errors/transport.js';
import type { SessionApi, SessionNotification, SessionQuery, SessionReply, SessionState } from '../worker/pool/messages.js';
import { packParams } from '../worker/pool/params.js';
import type { WireTypeSettings } from '../codec/types/introspected/catalog.js';
import type { BuiltinCodecOptions, Row } from './connection.js';
import type { TypeCodecSpec } from '../codec/types/introspected/custom.js';
import type { Result } from './result.js';
import type { CallOptions } from './pool.js';
import type { TransactionOptions } from './transaction-options.js';
import { runInTransaction, type TransactionHost } from './transaction-runner.js';
import { checkParams } from './check-params.js';
import type { ParamEncoder } from './param-encoder.js';

export type Notification = SessionNotification;

/** The codec settings a connect({ worker: true }) connection forwards to its own pool. */
export interface TypeSettings {
  reloadSchemaState(): Promise<void>;
  setTypeCodec<T>(typeName: string, spec: TypeCodecSpec<T>): Promise<void>;
  setBuiltinTypeCodec(typeName: string, options: BuiltinCodecOptions): Promise<void>;
  resetTypeCodec(typeName: string, options?: { schema?: string }): Promise<void>;
}

export interface PinnedCursorOptions {
  /** Rows fetched per round trip (default 50, as asyncpg). */
  prefetch?: number;
  rowMode?: 'object' | 'array';
}

/** What the pool gives a pinned session. */
export interface SessionHooks {
  toResult<R>(reply: Extract<SessionReply, { ok: true }>, rowMode: 'object' | 'array'): Result<R>;
  /** Settles when the worker task ends: rejects if the worker died. */
  ended: Promise<unknown>;
  /** The pool's reset callback, run before the connection goes back. */
  resetHook?: (connection: PooledConnection) => Promise<void>;
  rowMode: 'object' | 'array';
  onNotice?: (notice: PostgresErrorFields) => void;
  /** The pool's type settings for the worker (custom codecs' formats, schema epoch). */
  wireTypes(): WireTypeSettings | undefined;
  /** Encodes parameters whose type has a custom encoder (it lives on this thread). */
  encoder: ParamEncoder;
}

export class PooledConnection {
  private state: SessionState;
  private isReleased = false;
  private cursorCounter = 0;
  private readonly listeners = new Map<string, Set<(notification: Notification) => void>>();
  private lost: Error | undefined;

  /** @internal Use pool.acquire(). */
  constructor(
    private readonly remote: Remote<SessionApi>,
    private readonly port: MessagePort,
    opened: Extract<SessionReply, { ok: true }>,
    private readonly hooks: SessionHooks,
  ) {
    this.state = opened.session;
    hooks.ended.catch((error: Error) => {
      this.lost = error;
    });
  }

  get processId(): number {
    return this.state.processId;
  }

  get transactionStatus(): 'idle' | 'transaction' | 'failed' {
    return this.state.transactionStatus;
  }

  /** Server settings as of the last call (server_version, TimeZone, …). */
  get parameters(): ReadonlyMap<string, string> {
    return new Map(this.state.parameters);
  }

  get released(): boolean {
    return this.isReleased;
  }

  /** Channels this connection LISTENs on. */
  get listeningChannels(): number {
    return this.listeners.size;
  }

  async query<R = Row>(sql: string, params: readonly unknown[] = [], options: CallOptions = {}): Promise<Result<R>> {
    const reply = await this.request({ sql, results: 'batches' }, [checkParams(params)], options);
    return this.hooks.toResult<R>(reply, options.rowMode ?? this.hooks.rowMode);
  }

  async fetch<R = Row>(sql: string, params: readonly unknown[] = [], options: CallOptions = {}): Promise<R[]> {
    return (await this.query<R>(sql, params, options)).rows;
  }

  async fetchrow<R = Row>(sql: string, params: readonly unknown[] = [], options: CallOptions = {}): Promise<R | null> {
    return (await this.query<R>(sql, params, options)).firstRow();
  }

  async fetchval<V = unknown>(sql: string, params: readonly unknown[] = [], column: number | string = 0, options: CallOptions = {}): Promise<V | null> {
    return (await this.query(sql, params, options)).firstValue<V>(column);
  }

  async execute(sql: string, params: readonly unknown[] = [], options: CallOptions = {}): Promise<string> {
    checkParams(params);
    // Without parameters, the simple protocol: several statements may run.
    if (params.length === 0) return (await this.call((remote) => remote.query({ sql, paramSets: [], results: 'none', simple: true }), options)).command;
    return (await this.request({ sql, results: 'none' }, [params], options)).command;
  }

  async executemany(sql: string, paramRows: readonly (readonly unknown[])[], options: CallOptions = {}): Promise<void> {
    if (paramRows.length === 0) return;
    await this.request({ sql, results: 'none' }, paramRows.map((row) => checkParams(row)), options);
  }

  /** COMMIT when `fn` returns, ROLLBACK when it throws; nested calls use savepoints. */
  transaction<T>(fn: (connection: this) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return runInTransaction(this.transactionHost, () => fn(this), options);
  }

  private readonly transactionHost: TransactionHost = {
    simple: async (sql) => (await this.call((remote) => remote.query({ sql, paramSets: [], results: 'none', simple: true }), {})).command,
    usable: () => this.lost === undefined && !this.isReleased,
    transactionDepth: 0,
  };

  /** Iterate a query's rows through a server-side cursor, `prefetch` rows a round trip; needs a transaction. */
  cursor<R = Row>(sql: string, params: readonly unknown[] = [], options: PinnedCursorOptions = {}): AsyncIterable<R> {
    const prefetch = options.prefetch ?? 50;
    if (!Number.isInteger(prefetch) || prefetch <= 0) throw new InterfaceError(`cursor prefetch must be a positive integer, got ${prefetch}`);
    const rowMode = options.rowMode ?? this.hooks.rowMode;
    const portal = `pgloom_cursor_${++this.cursorCounter}`;
    const session = this;
    return {
      async *[Symbol.asyncIterator]() {
        if (session.transactionStatus !== 'transaction') throw new InterfaceError('a cursor needs a transaction: iterate it inside transaction(…)');
        let reply = await session.request({ sql, results: 'batches', portal, maxRows: prefetch }, [params], {});
        let finished = false;
        try {
          for (;;) {
            for (const row of session.hooks.toResult<R>(reply, rowMode).rows) yield row;
            if (!reply.suspended) break;
            reply = await session.call((remote) => remote.fetchPortal(portal, prefetch), {});
          }
          finished = true;
        } finally {
          if (!finished && session.usable && session.transactionStatus === 'transaction') await session.call((remote) => remote.closePortal(portal), {});
        }
      },
    };
  }

  /** LISTEN on `channel`; `handler` gets each NOTIFY. */
  async listen(channel: string, handler: (notification: Notification) => void): Promise<void> {
    let handlers = this.listeners.get(channel);
    if (handlers === undefined) {
      handlers = new Set();
      this.listeners.set(channel, handlers);
      if (this.listeners.size === 1) await this.remote.setNotificationHandler(proxy((n: Notification) => this.deliver(n)));
      await this.execute(`LISTEN ${quoteIdentifier(channel)}`);
    }
    handlers.add(handler);
  }

  /** Stop `handler` (or every handler) for `channel`; UNLISTEN when none is left. */
  async unlisten(channel: string, handler?: (notification: Notification) => void): Promise<void> {
    const handlers = this.listeners.get(channel);
    if (handlers === undefined) return;
    if (handler !== undefined) handlers.delete(handler);
    else handlers.clear();
    if (handlers.size > 0) return;
    this.listeners.delete(channel);
    await this.execute(`UNLISTEN ${quoteIdentifier(channel)}`);
    if (this.listeners.size === 0) await this.remote.setNotificationHandler(undefined);
  }

  /** @internal For connect({ worker: true }): close() also stops the connection's own worker. */
  onClose: (() => Promise<void>) | undefined;

  /** @internal For connect({ worker: true }): the one-connection pool whose codecs are this connection's. */
  ownTypes: TypeSettings | undefined;

  /** Forget introspected types (after ALTER TYPE), as Connection.reloadSchemaState. */
  async reloadSchemaState(): Promise<void> {
    return this.typeSettings().reloadSchemaState();
  }

  /** A custom codec for `typeName` (run on this thread: see Pool.setTypeCodec). */
  async setTypeCodec<T>(typeName: string, spec: TypeCodecSpec<T>): Promise<void> {
    return this.typeSettings().setTypeCodec(typeName, spec);
  }

  async setBuiltinTypeCodec(typeName: string, options: BuiltinCodecOptions): Promise<void> {
    return this.typeSettings().setBuiltinTypeCodec(typeName, options);
  }

  async resetTypeCodec(typeName: string, options: { schema?: string } = {}): Promise<void> {
    return this.typeSettings().resetTypeCodec(typeName, options);
  }

  private typeSettings(): TypeSettings {
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

  /** Give the connection back to the pool (after a reset); this object is then unusable. */
  async release(): Promise<void> {
    if (this.isReleased) return;
    let discard = false;
    let resetError: unknown;
    if (this.hooks.resetHook !== undefined && this.lost === undefined) {
      try {
        await this.hooks.resetHook(this);
      } catch (error) {
        // A connection the user's reset could not clean is closed rather than handed on.
        discard = true;
        resetError = error;
      }
    }
    this.isReleased = true;
    this.listeners.clear();
    try {
      if (this.lost === undefined) await Promise.race([this.remote.release(discard), this.hooks.ended]);
    } catch {
      // A worker that died took the connection with it: nothing to give back.
    } finally {
      this.port.close();
    }
    if (discard) throw resetError;
  }

  private get usable(): boolean {
    return this.lost === undefined && !this.isReleased;
  }

  private deliver(notification: Notification): void {
    for (const handler of this.listeners.get(notification.channel) ?? []) handler(notification);
  }

  /** A query with parameters; those of custom-encoded types are encoded on this thread. */
  private async request(query: Omit<SessionQuery, 'paramSets' | 'types'>, paramSets: readonly (readonly unknown[])[], options: CallOptions): Promise<Extract<SessionReply, { ok: true }>> {
    for (;;) {
      const packed = this.hooks.encoder.apply(query.sql, paramSets).map(packParams);
      try {
        return await this.call((remote) => remote.query({ ...query, paramSets: packed, types: this.hooks.wireTypes() }), options);
      } catch (error) {
        // Nothing reached the server: send it again with that parameter encoded here.
        if (this.hooks.encoder.learn(query.sql, error)) continue;
        throw error;
      }
    }
  }

  private async call(send: (remote: Remote<SessionApi>) => Promise<SessionReply>, options: CallOptions): Promise<Extract<SessionReply, { ok: true }>> {
    if (this.isReleased) throw new InterfaceError('this pooled connection was released: acquire another');
    if (this.lost !== undefined) throw this.lost;
    const { signal, timeout } = options;
    if (signal?.aborted) throw new QueryAbortedError('the query was aborted before it started');
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const giveUp = new Promise<never>((_, reject) => {
      const stop = (error: Error) => {
        void this.remote.cancel();
        reject(error);
      };
      onAbort = () => stop(new QueryAbortedError('the query was aborted and cancelled on the server'));
      signal?.addEventListener('abort', onAbort, { once: true });
      if (timeout !== undefined) timer = setTimeout(() => stop(new QueryTimeoutError(`the query ran past its timeout of ${timeout} ms and was cancelled`)), timeout);
    });
    try {
      const reply = await Promise.race([send(this.remote), giveUp, this.hooks.ended.then(() => { throw new InterfaceError('the pooled connection ended'); })]);
      if (reply.session !== undefined) this.state = reply.session;
      if (!reply.ok) throw deserializeError(reply.error);
      if (this.hooks.onNotice) for (const notice of reply.notices) this.hooks.onNotice(notice);
      return reply;
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }
}

function quoteIdentifier(name: string): string {
  if (name.length === 0 || name.includes('\0')) throw new InterfaceError('a channel name must be a non-empty string without NUL');
  return `"${name.replace(/"/g, '""')}"`;
}
