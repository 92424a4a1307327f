// COPY … TO STDOUT: the Query, then the server's CopyData messages (one per row, in the text and
// CSV formats) gathered into chunks of about CHUNK_BYTES, each handed to the consumer in order.
// While the consumer holds more than two chunks, the socket is not read (backpressure). A caller
// that gives up stops the deliveries and (for connect()) cancels the COPY itself: the operation
// then holds the pipeline until the CancelRequest has landed, so it cannot reach a later query.

import { BackendMessage } from '../../codec/protocol/message-types.js';
import { parseCommandComplete, parseErrorFields, writeQuery } from '../../codec/protocol/index.js';
import { postgresErrorFrom } from '../../codec/errors/index.js';
import { ProtocolError } from '../../codec/errors/client-errors.js';
import type { PgConnection } from '../connection.js';
import { cancelRunningQuery } from '../cancel.js';
import { Operation, Progress } from './operation.js';

/** Takes each chunk (which it may keep: it is never reused); a promise means "busy until it settles". */
export type CopyConsumer = (chunk: Uint8Array) => void | Promise<void>;

const CHUNK_BYTES = 256 * 1024;
/** Chunks the consumer may hold before the socket stops being read. */
const CHUNKS_AHEAD = 2;

export class CopyOut extends Operation {
  private command = '';
  private connection: PgConnection | undefined;
  private chunk = new Uint8Array(CHUNK_BYTES);
  private filled = 0;
  /** Chunks handed over and not yet consumed; and the promise of the last one. */
  private pending = 0;
  private tail: Promise<void> = Promise.resolve();
  private paused = false;
  private outputError: unknown;
  private givenUp: Error | undefined;
  /** Settles once our CancelRequest has been delivered (connect() only). */
  private cancelLanded: Promise<void> | undefined;
  private settling = false;

  constructor(
    private readonly sql: string,
    private readonly consume: CopyConsumer,
    private readonly resolve: (commandTag: string) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    super();
  }

  start(connection: PgConnection): boolean {
    this.connection = connection;
    writeQuery(connection.out, this.sql);
    return true;
  }

  /**
   * The caller gave up: deliver nothing more. With `cancel`, also ask the server to stop (a pool
   * worker's RunningCall sends its own CancelRequest and waits for it, so it passes false).
   */
  giveUp(reason: Error, cancel: boolean): void {
    if (this.givenUp !== undefined || this.settling) return;
    this.givenUp = reason;
    this.resume();
    if (cancel && this.connection !== undefined) this.cancelLanded = cancelRunningQuery(this.connection)?.catch(() => undefined) ?? Promise.resolve();
  }

  onMessage(type: number, bytes: Uint8Array, _view: DataView, start: number, end: number): void {
    switch (type) {
      case BackendMessage.CopyData:
        if (this.stopped) return;
        this.append(bytes, start, end);
        return;
      case BackendMessage.CopyDone:
        if (!this.stopped && this.filled > 0) this.deliver();
        return;
      case BackendMessage.CopyOutResponse:
        return;
      case BackendMessage.CommandComplete:
        this.command = parseCommandComplete(bytes, start, end).tag;
        return;
      case BackendMessage.ErrorResponse:
        // After the settling empty query, an error can only be the late cancel: it means nothing.
        if (!this.settling) this.noteError(postgresErrorFrom(parseErrorFields(bytes, start, end)));
        return;
      case BackendMessage.EmptyQueryResponse:
        return;
      default:
        throw new ProtocolError(`unexpected message '${String.fromCharCode(type)}' during COPY TO STDOUT`);
    }
  }

  onReady(connection: PgConnection): Progress {
    if (this.cancelLanded !== undefined && !this.settling) {
      // Hold the pipeline until the cancel has landed, then run an empty query: a cancel signal
      // that reaches the idle backend is dropped; one that reaches the empty query fails only it.
      this.settling = true;
      void this.cancelLanded.then(() => {
        if (connection.broken) return;
        writeQuery(connection.out, '');
        connection.flush();
      });
      return Progress.ContinuesExclusive;
    }
    this.resume();
    const tag = this.command;
    const serverError = this.error;
    void this.tail.then(() => {
      if (this.givenUp !== undefined) this.reject(this.givenUp);
      else if (this.outputError !== undefined) this.reject(this.outputError);
      else if (serverError !== undefined) this.reject(serverError);
      else this.resolve(tag);
    });
    return Progress.Done;
  }

  fail(error: Error): void {
    this.resume();
    void this.tail.then(() => this.reject(this.givenUp ?? this.outputError ?? error));
  }

  private get stopped(): boolean {
    return this.givenUp !== undefined || this.outputError !== undefined;
  }

  private append(bytes: Uint8Array, start: number, end: number): void {
    const length = end - start;
    if (this.filled + length > this.chunk.length && this.filled > 0) this.deliver();
    if (length > this.chunk.length) this.chunk = new Uint8Array(length);
    this.chunk.set(bytes.subarray(start, end), this.filled);
    this.filled += length;
    if (this.filled >= CHUNK_BYTES) this.deliver();
  }

  /** Hand the gathered bytes over, in order after the previous chunk was consumed. */
  private deliver(): void {
    const chunk = this.chunk.subarray(0, this.filled);
    this.chunk = new Uint8Array(CHUNK_BYTES);
    this.filled = 0;
    this.pending++;
    if (this.pending > CHUNKS_AHEAD && !this.paused) {
      this.paused = true;
      this.connection!.pauseReading();
    }
    this.tail = this.tail.then(async () => {
      if (!this.stopped) {
        try {
          await this.consume(chunk);
        } catch (error) {
          // The output failed: read the rest and drop it, so the connection drains to ReadyForQuery.
          this.outputError ??= error;
        }
      }
      this.pending--;
      if (this.pending <= CHUNKS_AHEAD) this.resume();
    });
  }

  private resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.connection?.resumeReading();
  }
}

/** Run `sql` (a COPY … TO STDOUT), handing its data to `consume`; resolves with the command tag. */
export function runCopyOut(connection: PgConnection, sql: string, consume: CopyConsumer): { done: Promise<string>; operation: CopyOut } {
  let operation!: CopyOut;
  const done = new Promise<string>((resolve, reject) => {
    operation = new CopyOut(sql, consume, resolve, reject);
    connection.submit(operation);
  });
  return { done, operation };
}
