// A call's `signal` and `timeout`, checked before anything is sent, then watched for the call's
// whole life: the deadline counts from the call (waiting for a connection included).

import { InterfaceError, QueryAbortedError } from '../../codec/errors/client-errors.js';
import type { GiveUpReason } from '../../worker/pool/contract.js';

export interface GuardOptions {
  signal?: AbortSignal;
  timeout?: number;
}

/** Throws InterfaceError for a `signal` that is not an AbortSignal or a `timeout` that is not a positive number. */
export function checkGuardOptions(options: GuardOptions | undefined): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null) throw new InterfaceError(`call options must be an object such as { timeout: 5000 }, got ${String(options)}`);
  const { signal, timeout } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new InterfaceError(`signal must be an AbortSignal (e.g. from new AbortController().signal or AbortSignal.timeout(ms)), got ${describe(signal)}`);
  }
  if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0)) {
    throw new InterfaceError(`timeout must be a positive number of ms, got ${describe(timeout)}`);
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'an object';
  return `${typeof value} ${String(value)}`;
}

/** `options` for the rest of a call begun at `startedAt` (Date.now()): its timeout less the time gone. */
export function timeLeft<O extends GuardOptions>(options: O, startedAt: number): O {
  if (options.timeout === undefined) return options;
  return { ...options, timeout: Math.max(1, options.timeout - (Date.now() - startedAt)) };
}

export class CallGuard {
  readonly signal: AbortSignal | undefined;
  readonly timeout: number | undefined;
  private readonly deadline: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private onAbort: (() => void) | undefined;

  /** The options must have passed checkGuardOptions. */
  constructor(options: GuardOptions = {}) {
    this.signal = options.signal;
    this.timeout = options.timeout;
    this.deadline = options.timeout === undefined ? undefined : Date.now() + options.timeout;
  }

  /** Throws QueryAbortedError if the signal has already fired. */
  checkNotAborted(what = 'the query was aborted before it started'): void {
    if (this.signal?.aborted) throw new QueryAbortedError(what);
  }

  /** ms left before the deadline (undefined: none). */
  remaining(): number | undefined {
    return this.deadline === undefined ? undefined : Math.max(0, this.deadline - Date.now());
  }

  /** Call `giveUp` once, when the signal fires or the deadline passes, until dispose(). */
  watch(giveUp: (reason: GiveUpReason) => void): void {
    this.dispose();
    let fired = false;
    const fire = (reason: GiveUpReason) => {
      if (fired) return;
      fired = true;
      this.dispose();
      giveUp(reason);
    };
    if (this.signal !== undefined) {
      if (this.signal.aborted) return fire('abort');
      this.onAbort = () => fire('abort');
      this.signal.addEventListener('abort', this.onAbort, { once: true });
    }
    const remaining = this.remaining();
    // Beyond 2^31-1 ms setTimeout would fire at once.
    if (remaining !== undefined && remaining <= 0x7fffffff) this.timer = setTimeout(() => fire('timeout'), remaining);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.onAbort !== undefined) this.signal?.removeEventListener('abort', this.onAbort);
    this.onAbort = undefined;
  }
}
