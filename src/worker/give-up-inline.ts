// Giving up on a call of a connect() connection (a timeout or an AbortSignal), so that no call can
// wait forever and a cancel never reaches another call. The caller's promise rejects at once;
// what happens to the statement depends on how far it got:
// - not written yet: it is taken back and never reaches the server;
// - running, and the last call written: a CancelRequest is sent, and nothing new is written until
//   the call has ended and the request has landed (so it cannot cancel the next call);
// - running with later calls pipelined behind it: no CancelRequest (it could land on those);
// in both running cases, a call that has not ended within the grace period means a server that
// ignores cancels or a stalled network: the connection is closed with a ConnectionError.

import { ConnectionError } from '../codec/errors/client-errors.js';
import { cancelRunningQuery } from './cancel.js';
import type { PgConnection } from './connection.js';
import type { Submitted } from './requests.js';

export type GiveUpOutcome = 'withdrawn' | 'cancelling' | 'draining' | 'ended';

export function giveUpInline(connection: PgConnection, call: Submitted<unknown>, gracePeriodMs: number): GiveUpOutcome {
  if (connection.withdraw(call.operation)) return 'withdrawn';
  if (!connection.isActive(call.operation) || connection.broken) return 'ended';
  const ended = call.done.then(() => undefined, () => undefined);
  let graceTimer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => {
    graceTimer = setTimeout(() => {
      connection.destroy(new ConnectionError(`a cancelled query did not end within the grace period (${gracePeriodMs} ms): the server ignored the cancel or the network stalled, so the connection was closed`));
      resolve();
    }, gracePeriodMs);
  });
  void ended.then(() => clearTimeout(graceTimer));
  if (!connection.isLastActive(call.operation)) {
    void Promise.race([ended, grace]);
    return 'draining';
  }
  const delivered = cancelRunningQuery(connection, gracePeriodMs)?.catch(() => undefined) ?? Promise.resolve();
  connection.holdWrites(Promise.race([Promise.all([ended, delivered]), grace]));
  return 'cancelling';
}
