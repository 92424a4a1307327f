// One call on one of this worker's connections, from the cancel's point of view. The main thread
// may give up on a call at any moment: before it has a connection (it is then never sent), while
// it runs (a CancelRequest for this backend), or after it ended (nothing to do). A cancelled call
// counts as ended only once its CancelRequest has landed, so that it cannot reach the
// connection's next query; and if the call does not end within the grace period, its connection
// is destroyed (a server that ignores cancels, or a stalled network, must not hold a slot).

import { ConnectionError, QueryAbortedError } from '../../codec/errors/client-errors.js';
import { cancelRunningQuery } from '../cancel.js';
import type { PgConnection } from '../connection.js';
import type { GiveUpReason } from './contract.js';

export class RunningCall {
  givenUp: GiveUpReason | undefined;
  private connection: PgConnection | undefined;
  private ended = false;
  /** Settles once the CancelRequest was delivered (or could not be), or the grace period ran out. */
  private cancelSettled: Promise<void> | undefined;
  private graceTimer: NodeJS.Timeout | undefined;

  constructor(private readonly gracePeriodMs: number) {}

  /** The call is about to run on `connection`; false when it was given up meanwhile (do not run it). */
  runOn(connection: PgConnection): boolean {
    this.connection = connection;
    return this.givenUp === undefined;
  }

  giveUp(reason: GiveUpReason): void {
    if (this.givenUp !== undefined || this.ended) return;
    this.givenUp = reason;
    if (this.connection !== undefined) this.cancel(this.connection);
  }

  /**
   * The call's work on the connection ended: resolves once no cancel of it can still arrive
   * (undefined when none was sent, so the common case costs no promise).
   */
  finish(): Promise<void> | undefined {
    this.ended = true;
    if (this.cancelSettled === undefined) return undefined;
    return this.cancelSettled.then(() => clearTimeout(this.graceTimer));
  }

  private cancel(connection: PgConnection): void {
    // The connection runs this call alone: none of it may start executing after the cancel lands.
    connection.abandonAll(new QueryAbortedError('the call was given up before its statement ran'));
    const grace = this.gracePeriodMs;
    const expired = new Promise<void>((resolve) => {
      this.graceTimer = setTimeout(() => {
        connection.destroy(new ConnectionError(`a cancelled query did not end within cancelGracePeriod (${grace} ms): the server ignored the cancel or the network stalled, so the connection was closed`));
        resolve();
      }, grace);
    });
    const delivered = cancelRunningQuery(connection, grace)?.catch(() => undefined) ?? Promise.resolve();
    this.cancelSettled = Promise.race([delivered, expired]);
  }
}
