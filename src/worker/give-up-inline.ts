// Giving up on a call of a connect() connection (a timeout or an AbortSignal), so that no call can
// wait forever and a cancel never reaches another call. The caller's promise rejects at once;
// what happens to the statement depends on how far it got:
// - not written yet: it is taken back and never reaches the server;
// - written, but its statement still being prepared: it stops there, its execution never sent
//   (a CancelRequest landing between the two would find the server idle, and the statement
//   would then run to its end); the cancel below still stops a Parse that waits on a lock;
// - written, and the last call written: nothing new is written from now on, and once the calls
//   written before it have ended (the server is on it, not on one of them) a CancelRequest is
//   sent; writing resumes when the call has ended and the request has landed, so it cannot cancel
//   the next call either;
// - written, with later calls pipelined behind it: no CancelRequest (it could land on those);
// in both written cases, a call that has not ended within the grace period of being first in
// line means a server that ignores cancels or a stalled network: the connection is closed with a
// ConnectionError.

import { ConnectionError, QueryAbortedError } from '../codec/errors/client-errors.js';
import { cancelRunningQuery } from './cancel.js';
import type { PgConnection } from './connection.js';
import type { Submitted } from './requests.js';

export type GiveUpOutcome = 'withdrawn' | 'cancelling' | 'draining' | 'ended';

export function giveUpInline(connection: PgConnection, call: Submitted<unknown>, gracePeriodMs: number): GiveUpOutcome {
  if (connection.withdraw(call.operation)) return 'withdrawn';
  if (!connection.isActive(call.operation) || connection.broken) return 'ended';
  call.operation.stopBeforeExecuting(new QueryAbortedError('the call was given up before its statement ran'));
  const ended = call.done.then(() => undefined, () => undefined);
  const firstInLine = connection.whenFirstInLine(call.operation);
  if (!connection.isLastActive(call.operation)) {
    void firstInLine.then(() => closeAfterGrace(connection, ended, gracePeriodMs));
    return 'draining';
  }
  const cancelled = firstInLine.then(() => {
    if (!connection.isActive(call.operation) || connection.broken) return undefined;
    const grace = closeAfterGrace(connection, ended, gracePeriodMs);
    const delivered = cancelRunningQuery(connection, gracePeriodMs)?.catch(() => undefined) ?? Promise.resolve();
    return Promise.race([Promise.all([ended, delivered]), grace]);
  });
  connection.holdWrites(cancelled);
  return 'cancelling';
}

/** Closes the connection unless the call ends within the grace period; settles only then (never once the call has ended). */
function closeAfterGrace(connection: PgConnection, ended: Promise<void>, gracePeriodMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const graceTimer = setTimeout(() => {
      connection.destroy(new ConnectionError(`a cancelled query did not end within the grace period (${gracePeriodMs} ms): the server ignored the cancel or the network stalled, so the connection was closed`));
      resolve();
    }, gracePeriodMs);
    void ended.then(() => clearTimeout(graceTimer));
  });
}
