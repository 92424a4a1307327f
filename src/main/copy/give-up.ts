// The errors of a COPY the caller gave up on (AbortSignal, timeout).

import { QueryAbortedError, QueryTimeoutError } from '../../codec/errors/client-errors.js';
import type { GiveUpReason } from '../../worker/pool/contract.js';

export function copyGivenUp(reason: GiveUpReason, direction: 'in' | 'out', timeoutMs?: number): QueryAbortedError {
  const outcome = direction === 'in' ? 'the COPY was ended with CopyFail and the table keeps nothing of it' : 'the COPY was cancelled on the server';
  return reason === 'timeout'
    ? new QueryTimeoutError(`the COPY ran past its timeout${timeoutMs === undefined ? '' : ` of ${timeoutMs} ms`}: ${outcome}`)
    : new QueryAbortedError(`the COPY was aborted by its AbortSignal: ${outcome}`);
}
