// The engine's connection: one socket, the frame parser, and the pipeline of operations waiting
// for their responses. Every backend message passes through `dispatch` below.

import type { Socket } from 'node:net';
import { BufferWriter } from '../codec/buffer/writer.js';
import { MessageFramer } from '../codec/protocol/framer.js';
import { BackendMessage } from '../codec/protocol/message-types.js';
import { checkBodiless, parseErrorFields, parseNotificationResponse, parseParameterStatus, parseReadyForQuery } from '../codec/protocol/index.js';
import { writeClose, writeTerminate, type Notification } from '../codec/protocol/index.js';
import { ConnectionError, InterfaceError, PgloomError, ProtocolError } from '../codec/errors/client-errors.js';
import { postgresErrorFrom } from '../codec/errors/index.js';
import type { PostgresErrorFields } from '../codec/errors/postgres-error.js';
import type { TypeOptions } from '../codec/types/codec.js';
import { TypeCatalog } from '../codec/types/introspected/catalog.js';
import { Progress, type Operation } from './operations/operation.js';
import { StatementCache } from './statement-cache.js';
import type { CancelRoute } from './cancel.js';

export type { Notification };

export interface EngineOptions {
  /** Prepared statements kept per connection (LRU); 0 disables the cache. */
  statementCacheSize: number;
  /** ms a cached statement is reused before it is prepared again; 0 = forever (default 300 000). */
  maxCachedStatementLifetime?: number;
  /** SQL longer than this many bytes is not cached; 0 = no limit (default 15 KiB). */
  maxCacheableStatementSize?: number;
  types: TypeOptions;
  /** Shared introspected types and codecs (a pool worker's connections share one); default: the connection's own. */
  catalog?: TypeCatalog;
  onNotice?: (notice: PostgresErrorFields) => void;
  onNotification?: (notification: Notification) => void;
  /** Called once when the connection ends: with the error, or undefined for a close the client asked for. */
  onLost?: (error: Error | undefined) => void;
}

// asyncpg's defaults: max_cached_statement_lifetime 300 s, max_cacheable_statement_size 15 KiB.
const DEFAULT_STATEMENT_LIFETIME_MS = 300_000;
const DEFAULT_MAX_CACHEABLE_SIZE = 15 * 1024;

export type TransactionStatus = 'idle' | 'transaction' | 'failed';

const transactionStatusByByte: Record<number, TransactionStatus> = { 0x49: 'idle', 0x54: 'transaction', 0x45: 'failed' };

export class PgConnection {
  /** Frontend messages are built here and flushed to the socket in one write. */
  readonly out = new BufferWriter(16 * 1024);
  readonly parameters = new Map<string, string>();
  /** Counts ParameterStatus messages: who mirrors `parameters` elsewhere resends them only when it moved. */
  parametersVersion = 0;
  readonly statements: StatementCache;
  /** Every type's codec: built-in, introspected, or the user's. */
  readonly types: TypeCatalog;
  processId = 0;
  secretKey: Uint8Array = new Uint8Array(0);
  /** How to reach this backend again for a CancelRequest. */
  cancelRoute: CancelRoute | undefined;
  transactionStatus: TransactionStatus = 'idle';
  /** Set once the connection can no longer be used; every later operation fails with it. */
  broken: Error | undefined;

  private readonly framer: MessageFramer;
  /** Operations written to the socket, in the order their responses will arrive. */
  private readonly active: Operation[] = [];
  /** Operations held back while an active one needs a response before writing its next messages. */
  private readonly waiting: Operation[] = [];
  private exclusive: Operation | undefined;
  /** While above 0, flush() leaves what operations write in `out` (see together()). */
  private gathering = 0;
  /** While above 0, nothing new is written (a cancel is in flight and must not reach it). */
  private holds = 0;
  /** A write of the operations queued behind busy ones is due at the end of this turn (see submit). */
  private gatheredWriteDue = false;
  /** Who waits for an operation to be first in line (see whenFirstInLine). */
  private firstInLineWaiters: { operation: Operation; resolve: () => void }[] = [];
  /** Statements evicted from the cache, closed on the server with the next write. */
  private statementsToClose: string[] = [];
  private closing: Promise<void> | undefined;
  private lastBytes: Uint8Array | undefined;
  private lastView: DataView | undefined;

  constructor(
    private readonly socket: Socket,
    readonly options: EngineOptions,
  ) {
    this.statements = new StatementCache({
      capacity: options.statementCacheSize,
      maxLifetimeMs: options.maxCachedStatementLifetime ?? DEFAULT_STATEMENT_LIFETIME_MS,
      maxStatementSize: options.maxCacheableStatementSize ?? DEFAULT_MAX_CACHEABLE_SIZE,
    });
    this.types = options.catalog ?? new TypeCatalog(options.types);
    this.framer = new MessageFramer((type, bytes, start, end) => this.dispatch(type, bytes, start, end));
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => this.lose(new ConnectionError(`connection to the server failed: ${error.message}`, { cause: error })));
    socket.on('close', () => this.lose(new ConnectionError('the server closed the connection')));
  }

  get serverVersion(): string | undefined {
    return this.parameters.get('server_version');
  }

  /** Idle: nothing written is awaiting a response and nothing is queued. */
  get idle(): boolean {
    return this.active.length === 0 && this.waiting.length === 0;
  }

  /**
   * Queue an operation. On an idle connection it is written at once; behind operations still
   * running it waits for the end of this turn of the event loop (the check phase, after every
   * reply read in this turn has been handled), so that the calls callers make in one turn leave
   * in one write: the server would run it after those anyway, and a loopback write costs more CPU
   * than a one-row query's own work (bench/PROFILES.md §13). Until written it can be withdrawn.
   */
  submit(operation: Operation): void {
    if (this.closing) return operation.fail(new InterfaceError('the connection is closed: open a new one'));
    if (this.broken) return operation.fail(this.broken);
    // Inside together() the operations go out in one write already.
    if (this.exclusive || this.holds > 0 || this.waiting.length > 0 || (this.active.length > 0 && this.gathering === 0)) {
      this.waiting.push(operation);
      if (!this.exclusive && this.holds === 0) this.writeGatheredSoon();
      return;
    }
    this.begin(operation);
  }

  /** Operations wait for a write at the end of this turn (see submit): one more joins it at no cost. */
  get writeDueThisTurn(): boolean {
    return this.gatheredWriteDue;
  }

  private writeGatheredSoon(): void {
    if (this.gatheredWriteDue) return;
    this.gatheredWriteDue = true;
    setImmediate(() => {
      this.gatheredWriteDue = false;
      this.startWaiting();
    });
  }

  /** Take back an operation not written yet; false when it was written (or is unknown). */
  withdraw(operation: Operation): boolean {
    const at = this.waiting.indexOf(operation);
    if (at < 0) return false;
    this.waiting.splice(at, 1);
    if (this.idle) this.resolveDrained();
    return true;
  }

  /**
   * The one call this connection runs (a pool worker's call or session call) was given up: what
   * it has not written never goes, and what it has written executes nothing more (see
   * Operation.stopBeforeExecuting).
   */
  abandonAll(error: Error): void {
    for (const operation of this.waiting.splice(0)) operation.fail(error);
    for (const operation of this.active) operation.stopBeforeExecuting(error);
    if (this.idle) this.resolveDrained();
  }

  /** Whether `operation` was written and awaits its responses. */
  isActive(operation: Operation): boolean {
    return this.active.includes(operation);
  }

  /**
   * Settles once every operation written before `operation` has ended, so that the server is on
   * it (or `operation` has ended too, or the connection is lost): a CancelRequest sent earlier
   * could cancel one of those instead.
   */
  whenFirstInLine(operation: Operation): Promise<void> {
    if (this.active[0] === operation || !this.active.includes(operation) || this.broken) return Promise.resolve();
    return new Promise((resolve) => this.firstInLineWaiters.push({ operation, resolve }));
  }

  private wakeFirstInLineWaiters(): void {
    const head = this.active[0];
    this.firstInLineWaiters = this.firstInLineWaiters.filter((waiter) => {
      const reached = waiter.operation === head || this.broken !== undefined || !this.active.includes(waiter.operation);
      if (reached) waiter.resolve();
      return !reached;
    });
  }

  /** Write nothing new until `until` settles: a CancelRequest in flight must land on the call it is for. */
  holdWrites(until: Promise<unknown>): void {
    this.holds++;
    void until.finally(() => {
      this.holds--;
      this.startWaiting();
    });
  }

  /** Send everything written into `out` so far (unless gathering: see together()). */
  flush(): void {
    if (this.out.length === 0 || this.broken || this.gathering > 0) return;
    this.socket.write(this.out.toBytes());
    this.out.reset();
  }

  /**
   * Close on the server the statements the cache evicted, ahead of the messages `operation` writes
   * next: their CloseComplete replies arrive while it is first in line, and dispatch takes them, so
   * that no operation sees a reply to a message it did not write.
   */
  writePendingCloses(operation: Operation): void {
    if (this.statementsToClose.length === 0) return;
    for (const name of this.statementsToClose) writeClose(this.out, 'S', name);
    operation.closesAhead += this.statementsToClose.length;
    this.statementsToClose = [];
  }

  /** True when nothing was written after `operation` (so it may write more without reordering). */
  isLastActive(operation: Operation): boolean {
    return this.active[this.active.length - 1] === operation;
  }

  forgetStatement(name: string): void {
    if (name) this.statementsToClose.push(name);
  }

  /** COPY: write `bytes` now, behind whatever was flushed; false when the socket's buffer is full (await whenWritable). */
  writeRaw(bytes: Uint8Array): boolean {
    if (this.broken) return true;
    return this.socket.write(bytes);
  }

  /**
   * Run `submitting`, which submits operations, so that all they write into `out` goes out as one
   * buffer in one write: a corked socket sends several in a writev, whose path through Node's
   * stream showed in the profile of a pool's COMMIT and reset (bench/PROFILES.md §12).
   */
  together<T>(submitting: () => T): T {
    this.gathering++;
    try {
      return submitting();
    } finally {
      this.gathering--;
      this.flush();
    }
  }

  /** Run `submitting`, which writes buffers to the socket itself, so that they go out in one writev. */
  private corked<T>(submitting: () => T): T {
    this.socket.cork();
    try {
      return submitting();
    } finally {
      this.socket.uncork();
    }
  }

  /** COPY: a message's header and body as one write (corked: one writev, not two sends). */
  writeRawPair(header: Uint8Array, body: Uint8Array): boolean {
    if (this.broken) return true;
    return this.corked(() => {
      this.socket.write(header);
      return this.socket.write(body);
    });
  }

  /** COPY: settles once the socket's buffer has drained (or the connection is lost). Reading goes on meanwhile. */
  whenWritable(): Promise<void> {
    if (!this.socket.writableNeedDrain || this.broken) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  /** Stop reading the socket: backpressure for a stream whose consumer is behind. */
  pauseReading(): void {
    this.socket.pause();
  }

  resumeReading(): void {
    this.socket.resume();
  }

  /** Graceful close: waits for queued operations, then says Terminate. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.drained();
      if (!this.broken) {
        writeTerminate(this.out);
        this.flush();
        this.socket.end();
      }
      await this.socketClosed();
    })();
    return this.closing;
  }

  /** Immediate close: fails everything queued. */
  destroy(reason = new InterfaceError('the connection was terminated by the client')): void {
    this.lose(reason);
    this.socket.destroy();
  }

  private begin(operation: Operation): void {
    this.active.push(operation);
    this.writePendingCloses(operation);
    const wantsExclusive = operation.start(this);
    this.flush();
    if (wantsExclusive) this.exclusive = operation;
  }

  private receive(chunk: Buffer): void {
    try {
      this.framer.push(chunk);
    } catch (error) {
      // A framing or protocol error leaves the stream in an unknown state: the connection is done.
      this.destroy(error instanceof Error ? error : new ProtocolError(String(error)));
    }
  }

  private dispatch(type: number, bytes: Uint8Array, start: number, end: number): void {
    // The rest of a chunk after a violation destroyed the connection is not read.
    if (this.broken) return;
    checkBodiless(type, start, end);
    switch (type) {
      case BackendMessage.ReadyForQuery:
        return this.onReadyForQuery(parseReadyForQuery(bytes, start, end));
      case BackendMessage.NoticeResponse:
        this.options.onNotice?.(parseErrorFields(bytes, start, end));
        return;
      case BackendMessage.NotificationResponse:
        this.options.onNotification?.(parseNotificationResponse(bytes, start, end));
        return;
      case BackendMessage.ParameterStatus: {
        const { name, value } = parseParameterStatus(bytes, start, end);
        this.parameters.set(name, value);
        this.parametersVersion++;
        return;
      }
    }
    const operation = this.active[0];
    if (!operation) return this.unsolicited(type, bytes, start, end);
    if (type === BackendMessage.CloseComplete && operation.closesAhead > 0) {
      operation.closesAhead--;
      return;
    }
    // A DataView per chunk, not per message: DataRows of one chunk share it.
    if (bytes !== this.lastBytes) {
      this.lastBytes = bytes;
      this.lastView = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    try {
      operation.onMessage(type, bytes, this.lastView!, start, end);
    } catch (error) {
      if (error instanceof PgloomError && !(error instanceof ProtocolError)) {
        // The operation failed (e.g. a value it could not decode) but the protocol is intact:
        // keep reading to ReadyForQuery so the next operation starts clean.
        operation.error ??= error;
        return;
      }
      // A protocol violation (unknown message, bad lengths, trailing bytes), or a message that
      // broke its parser: nothing after it can be trusted, and the server may never send the
      // ReadyForQuery we would wait for. Fail every call on the connection now.
      this.destroy(asProtocolError(error, type));
    }
  }

  private unsolicited(type: number, bytes: Uint8Array, start: number, end: number): void {
    if (type === BackendMessage.ErrorResponse) {
      // With nothing in flight an error is the server ending the session (e.g. admin shutdown).
      const error = postgresErrorFrom(parseErrorFields(bytes, start, end));
      this.lose(new ConnectionError(`the server ended the connection: ${error.message}`, { cause: error }));
      return;
    }
    this.destroy(new ProtocolError(`unexpected message '${String.fromCharCode(type)}' with no query in flight`));
  }

  private onReadyForQuery(status: number): void {
    this.transactionStatus = transactionStatusByByte[status] ?? 'idle';
    const operation = this.active[0];
    if (!operation) return this.destroy(new ProtocolError('ReadyForQuery with no query in flight'));
    if (this.exclusive === operation) this.exclusive = undefined;
    const progress = operation.onReady(this);
    if (progress === Progress.Done) {
      this.active.shift();
      if (this.firstInLineWaiters.length > 0) this.wakeFirstInLineWaiters();
    } else {
      this.flush();
      if (progress === Progress.ContinuesExclusive) this.exclusive = operation;
    }
    this.startWaiting();
    if (this.idle) this.resolveDrained();
  }

  /** Write what waits, as far as nothing holds it back: in one write (see together). */
  private startWaiting(): void {
    if (this.exclusive || this.holds > 0 || this.waiting.length === 0 || this.broken) return;
    this.together(() => {
      while (!this.exclusive && this.holds === 0 && this.waiting.length > 0 && !this.broken) this.begin(this.waiting.shift()!);
    });
  }

  private lose(error: Error): void {
    if (this.broken) return;
    this.broken = error;
    const pending = [...this.active, ...this.waiting];
    this.active.length = 0;
    this.waiting.length = 0;
    this.exclusive = undefined;
    for (const operation of pending) operation.fail(error);
    this.wakeFirstInLineWaiters();
    this.resolveDrained();
    this.options.onLost?.(this.closing === undefined ? error : undefined);
  }

  private drainWaiters: (() => void)[] = [];

  private drained(): Promise<void> {
    if (this.idle || this.broken) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private resolveDrained(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private socketClosed(): Promise<void> {
    if (this.socket.closed) return Promise.resolve();
    return new Promise((resolve) => this.socket.once('close', () => resolve()));
  }
}

function asProtocolError(error: unknown, type: number): ProtocolError {
  if (error instanceof ProtocolError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new ProtocolError(`a '${String.fromCharCode(type)}' message from the server could not be read (${detail}): the stream is corrupt; the connection was closed`, { cause: error });
}
