// Deadlines for tests of things that could hang: a hang becomes a failure that names what hung.

import { inspect } from 'node:util';
import type { Pool } from '../../src/main/index.js';

/** `promise`, or a rejection naming `what` once `ms` have passed. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still pending after ${ms} ms (hung)`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** What `promise` rejected with; a value it resolved to fails the test (a pinned connection is released). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  let value: unknown;
  try {
    value = await promise;
  } catch (error) {
    return error;
  }
  const release = (value as { release?: unknown } | null)?.release;
  if (typeof release === 'function') await (release as () => Promise<void>).call(value).catch(() => undefined);
  throw new Error(`expected a rejection, got ${inspect(value, { depth: 0 })}`);
}

/** Poll `probe` until it returns a value other than undefined; fail after `ms`. */
export async function waitFor<T>(probe: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await within(probe(), Math.max(1, end - Date.now()), what);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`${what}: not so after ${ms} ms`);
    // Let timers and sockets run between two polls that may resolve without I/O.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Close the pool, bounded; terminate it when close does not finish. */
export async function shutDown(pool: Pool | undefined): Promise<void> {
  if (pool === undefined) return;
  try {
    await within(pool.close(1000), 6000, 'pool.close()');
  } catch {
    await within(pool.terminate(), 3000, 'pool.terminate()').catch(() => undefined);
  }
}
