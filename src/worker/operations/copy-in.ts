// COPY … FROM STDIN: the Query, then — once the server answers CopyInResponse — the source's
// chunks as CopyData messages, then CopyDone. A source that fails and a caller that gives up
// send CopyFail instead, so the server keeps nothing of the COPY and the connection stays usable.
// A caller that gives up once CopyDone has gone out is too late to stop it: the COPY ends as the
// server ends it (its rows kept on success), bounded by the grace period.
// The socket is read all along (the server may send notices, or an error that ends the COPY
// early); only the writing waits for the socket to drain.

import { BackendMessage } from '../../codec/protocol/message-types.js';
import { BufferWriter } from '../../codec/buffer/writer.js';
import { parseCommandComplete, parseErrorFields, writeCopyDone, writeCopyFail, writeQuery } from '../../codec/protocol/index.js';
import { postgresErrorFrom } from '../../codec/errors/index.js';
import { ConnectionError, ProtocolError } from '../../codec/errors/client-errors.js';
import type { PgConnection } from '../connection.js';
import { Operation, Progress } from './operation.js';

/** Where a COPY's bytes come from: chunks of the COPY data stream, in order. */
export type CopyChunks = AsyncIterator<Uint8Array> | Iterator<Uint8Array>;

const enum State { Waiting, Copying, Finishing, Ended }

const COPY_DATA = 0x64;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class CopyIn extends Operation {
  private state = State.Waiting;
  private command = '';
  private connection: PgConnection | undefined;
  /** Why the caller gave up; reported instead of the server's answer to our CopyFail. */
  private givenUp: Error | undefined;
  /** The source's own failure; reported instead of the server's answer to our CopyFail. */
  private sourceError: unknown;
  private settled = false;
  /** The source ended, failed, or was told to stop: never call it again. */
  private sourceClosed = false;
  /** Armed by a give-up that came after CopyDone: closes a connection whose server does not end the COPY. */
  private graceTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sql: string,
    private readonly source: CopyChunks,
    private readonly resolve: (commandTag: string) => void,
    private readonly reject: (error: unknown) => void,
    /** Called after each chunk went to the socket (a pool worker grants the main thread more). */
    private readonly onChunkWritten?: () => void,
  ) {
    super();
  }

  start(connection: PgConnection): boolean {
    this.connection = connection;
    writeQuery(connection.out, this.sql);
    // Nothing may be written after the Query until the COPY has ended.
    return true;
  }

  /**
   * The caller gave up (abort, timeout): stop the source and end the COPY with CopyFail, so that
   * the call rejects with `reason` and the table keeps nothing. Too late once CopyDone (or another
   * CopyFail) went out: the COPY then ends as the server ends it, and if the server has not
   * within `gracePeriodMs`, the connection is closed (whether the rows were kept is unknown).
   * Returns whether the give-up stopped the COPY.
   */
  giveUp(reason: Error, gracePeriodMs: number): boolean {
    if (this.settled || this.givenUp !== undefined || this.graceTimer !== undefined) return false;
    if (this.state === State.Waiting || this.state === State.Copying) {
      this.givenUp = reason;
      if (this.state === State.Copying) this.sendFail(`the client gave up: ${reason.message}`);
      this.closeSource();
      return true;
    }
    const connection = this.connection!;
    this.graceTimer = setTimeout(() => {
      connection.destroy(new ConnectionError(`the COPY had sent all its data when it was given up, and the server did not end it within cancelGracePeriod (${gracePeriodMs} ms): the connection was closed, and whether the table kept the rows is unknown`));
    }, gracePeriodMs);
    return false;
  }

  onMessage(type: number, bytes: Uint8Array, _view: DataView, start: number, end: number): void {
    switch (type) {
      case BackendMessage.CopyInResponse:
        this.state = State.Copying;
        if (this.givenUp !== undefined) this.sendFail(`the client gave up: ${this.givenUp.message}`);
        else void this.pump();
        return;
      case BackendMessage.CommandComplete:
        this.command = parseCommandComplete(bytes, start, end).tag;
        return;
      case BackendMessage.ErrorResponse:
        // The server left COPY mode: it drops whatever CopyData still arrives.
        if (this.state === State.Copying) this.state = State.Finishing;
        this.noteError(postgresErrorFrom(parseErrorFields(bytes, start, end)));
        return;
      default:
        throw new ProtocolError(`unexpected message '${String.fromCharCode(type)}' during COPY FROM STDIN`);
    }
  }

  onReady(): Progress {
    this.state = State.Ended;
    this.closeSource();
    this.settle();
    return Progress.Done;
  }

  fail(error: Error): void {
    this.state = State.Ended;
    this.closeSource();
    clearTimeout(this.graceTimer);
    this.settled = true;
    this.reject(this.givenUp ?? error);
  }

  private settle(): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.graceTimer);
    if (this.givenUp !== undefined) this.reject(this.givenUp);
    else if (this.sourceError !== undefined) this.reject(this.sourceError);
    else if (this.error !== undefined) this.reject(this.error);
    else this.resolve(this.command);
  }

  /** Send the source's chunks until it ends, fails, or the COPY ends from elsewhere. */
  private async pump(): Promise<void> {
    const connection = this.connection!;
    try {
      for (;;) {
        const next = await this.source.next();
        if (this.state !== State.Copying) return;
        if (next.done) {
          this.sourceClosed = true;
          break;
        }
        const chunk = next.value;
        if (!(chunk instanceof Uint8Array)) throw new TypeError(`a COPY source gave a ${typeof chunk} chunk: give Uint8Array chunks`);
        if (chunk.length === 0) continue;
        const header = new Uint8Array(5);
        header[0] = COPY_DATA;
        new DataView(header.buffer).setInt32(1, chunk.length + 4);
        const roomLeft = connection.writeRawPair(header, chunk);
        this.onChunkWritten?.();
        // Wait while the socket's buffer is full, then yield a turn of the event loop per chunk, so
        // that timers run and the server's answer (an early error) is read. Waiting for 'drain' alone
        // is not a turn: a write the kernel takes at once emits it on the next tick, and as every
        // chunk is over the socket's high-water mark, a 1M-row COPY held the loop for all its ~850 ms.
        if (!roomLeft) await connection.whenWritable();
        await nextTurn();
        if (this.state !== State.Copying) return;
      }
      this.state = State.Finishing;
      const out = new BufferWriter(8);
      writeCopyDone(out);
      connection.writeRaw(out.toBytes());
    } catch (error) {
      this.sourceClosed = true;
      if (this.state !== State.Copying) return;
      this.sourceError = error;
      this.sendFail(`the COPY source failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private sendFail(reason: string): void {
    if (this.state !== State.Copying) return;
    this.state = State.Finishing;
    const out = new BufferWriter(64 + reason.length * 3);
    writeCopyFail(out, reason);
    this.connection!.writeRaw(out.toBytes());
  }

  private closeSource(): void {
    if (this.sourceClosed) return;
    this.sourceClosed = true;
    const source = this.source as AsyncIterator<Uint8Array>;
    try {
      const closed: unknown = source.return?.();
      if (closed instanceof Promise) closed.catch(() => undefined);
    } catch {
      // A source that cannot close has nothing more to tell the caller.
    }
  }
}

/** Run `sql` (a COPY … FROM STDIN) feeding it `source`; resolves with the command tag ('COPY 1000'). */
export function runCopyIn(connection: PgConnection, sql: string, source: CopyChunks, onChunkWritten?: () => void): { done: Promise<string>; operation: CopyIn } {
  let operation!: CopyIn;
  const done = new Promise<string>((resolve, reject) => {
    operation = new CopyIn(sql, source, resolve, reject, onChunkWritten);
    connection.submit(operation);
  });
  return { done, operation };
}
