// Waiting in turn for a connection, with the limits a waiting call has: its signal and a time
// limit. Shared by the pool's queue of worker connections and its main-thread lane.

import { PoolTimeoutError, QueryAbortedError, QueryTimeoutError } from '../../codec/errors/client-errors.js';

export interface WaitLimits {
  signal?: AbortSignal;
  /** ms to wait at most; then `onTimeout()` is the error. */
  timeoutMs?: number;
  onTimeout: () => Error;
  onAbort: () => Error;
}

/**
 * The limits of a call waiting for a free connection: its own deadline (`remainingMs` of its
 * `timeout`) or the pool's acquireTimeout, whichever ends first; `raise` names what to add.
 */
export function connectionWaitLimits(call: { signal?: AbortSignal; timeout?: number; remainingMs?: number }, acquireTimeout: number | undefined, raise: string): WaitLimits {
  const { remainingMs } = call;
  const callLimitFirst = remainingMs !== undefined && (acquireTimeout === undefined || remainingMs <= acquireTimeout);
  return {
    signal: call.signal,
    timeoutMs: callLimitFirst ? remainingMs : acquireTimeout,
    onTimeout: () => (callLimitFirst
      ? new QueryTimeoutError(`the query timed out after ${call.timeout} ms waiting for a free connection`)
      : new PoolTimeoutError(`no connection became free within acquireTimeout (${acquireTimeout} ms): raise it, or ${raise}`)),
    onAbort: () => new QueryAbortedError('the query was aborted while waiting for a free connection'),
  };
}

/** A place in a line: granted a value in turn, or failed. */
export interface Turn<T> {
  grant(value: T): void;
  fail(error: Error): void;
}

/** Join `line` (at its end) as the turn `make` builds; leaves it on abort or at the time limit. */
export function waitInLine<T, W extends Turn<T>>(line: W[], make: (turn: Turn<T>) => W, limits: WaitLimits): Promise<T> {
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const cleanup = () => {
      clearTimeout(timer);
      limits.signal?.removeEventListener('abort', abort);
    };
    const waiter = make({
      grant: (value) => {
        cleanup();
        resolve(value);
      },
      fail: (error) => {
        cleanup();
        reject(error);
      },
    });
    const leave = (error: Error) => {
      const at = line.indexOf(waiter);
      if (at >= 0) line.splice(at, 1);
      waiter.fail(error);
    };
    const abort = () => leave(limits.onAbort());
    if (limits.timeoutMs !== undefined) timer = setTimeout(() => leave(limits.onTimeout()), limits.timeoutMs);
    limits.signal?.addEventListener('abort', abort, { once: true });
    line.push(waiter);
  });
}
