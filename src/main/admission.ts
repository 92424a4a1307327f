// The pool's wait queue, on the main thread: a task is handed to piscina only when a connection
// slot is free, so a query waiting for a connection can time out or be aborted without touching a
// worker (piscina aborts a *running* task by killing its thread, which would kill its connections).

import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';

interface Waiter {
  grant: () => void;
  fail: (error: Error) => void;
}

export class Admission {
  private running = 0;
  private readonly queue: Waiter[] = [];
  /** Nanoseconds each admitted task waited. */
  readonly waitTime: RecordableHistogram = createHistogram();

  constructor(private readonly capacity: number) {}

  get busy(): number {
    return this.running;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Wait for a free slot. Rejects with `onTimeout()` after `timeoutMs`, or with the signal's
   * abort error; the slot must be given back with `release()`.
   */
  acquire(signal: AbortSignal | undefined, timeoutMs: number | undefined, onTimeout: () => Error, onAbort: () => Error): Promise<void> {
    const started = process.hrtime.bigint();
    const record = () => this.waitTime.record(Math.max(1, Number(process.hrtime.bigint() - started)));
    if (this.running < this.capacity && this.queue.length === 0) {
      this.running++;
      record();
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', abort);
      };
      const waiter: Waiter = {
        grant: () => {
          cleanup();
          record();
          resolve();
        },
        fail: (error) => {
          cleanup();
          reject(error);
        },
      };
      const leave = (error: Error) => {
        const at = this.queue.indexOf(waiter);
        if (at >= 0) this.queue.splice(at, 1);
        waiter.fail(error);
      };
      const abort = () => leave(onAbort());
      if (timeoutMs !== undefined) timer = setTimeout(() => leave(onTimeout()), timeoutMs);
      signal?.addEventListener('abort', abort, { once: true });
      this.queue.push(waiter);
    });
  }

  release(): void {
    const next = this.queue.shift();
    if (next !== undefined) next.grant();
    else this.running--;
  }

  /** Fail every waiter (the pool is closing). */
  failAll(error: Error): void {
    for (const waiter of this.queue.splice(0)) waiter.fail(error);
  }
}
