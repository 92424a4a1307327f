// The unit of work on a connection: it writes its messages and consumes the responses up to each
// ReadyForQuery. Operations are pipelined: many can be written before the first one completes.

import type { PgConnection } from '../connection.js';

/** What an operation tells the connection at a ReadyForQuery. */
export enum Progress {
  /** Finished: the next ReadyForQuery belongs to the next operation. */
  Done,
  /** It has written its next batch of messages; later operations may be written after it. */
  Continues,
  /** It has written its next batch and must see the response before writing more: hold the queue. */
  ContinuesExclusive,
}

export abstract class Operation {
  /** The first error met while consuming responses; reported once ReadyForQuery arrives. */
  error: Error | undefined;
  /** Closes of evicted statements written ahead of this operation's messages, not yet answered (see PgConnection.writePendingCloses). */
  closesAhead = 0;

  /**
   * Write the first batch of messages into `connection.out` (the connection flushes).
   * Return true when this operation needs a response before it can write its next batch, so that
   * nothing queued after it is written in between (which would reorder execution).
   */
  abstract start(connection: PgConnection): boolean;

  /** A backend message addressed to this operation (not ReadyForQuery, notices or notifications). */
  abstract onMessage(type: number, bytes: Uint8Array, view: DataView, start: number, end: number): void;

  /** ReadyForQuery: the server finished one Sync's worth of this operation. */
  abstract onReady(connection: PgConnection): Progress;

  /** The connection is gone, or the operation is abandoned before completion. */
  abstract fail(error: Error): void;

  /**
   * Its caller gave up on it after it was written: it writes no execution of its statement from
   * now on (none yet, while it is being prepared; no retry after one), and ends at its next
   * ReadyForQuery instead, rejecting with `error`. Else a CancelRequest could land between its
   * preparation and its execution, on an idle server, and the statement then run to its end.
   */
  stopBeforeExecuting(_error: Error): void {}

  /** Record the first error only: later ones are consequences of it. */
  protected noteError(error: Error): void {
    this.error ??= error;
  }
}
