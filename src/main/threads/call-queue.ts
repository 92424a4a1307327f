// The pool's one queue, on the main thread. It knows every worker's connections — what it placed
// on each (one-shot calls, pinned sessions, streams) against connectionsPerWorker — and gives a
// call a place only where a connection is free or may be opened, so nothing ever waits inside a
// worker. A call made from inside a session is placed like any other: on a worker with room,
// never behind that session's own connection.

import { createHistogram, performance, type RecordableHistogram } from 'node:perf_hooks';
import type { WorkerLink, Placed } from './worker-link.js';
import { waitInLine, type Turn, type WaitLimits } from './wait-in-line.js';

export type SlotUse = keyof Placed;

export interface Placement {
  link: WorkerLink;
  use: SlotUse;
}

interface Waiter extends Turn<Placement> {
  use: SlotUse;
}

export type { WaitLimits };

export class CallQueue {
  private readonly links: WorkerLink[] = [];
  private readonly waiters: Waiter[] = [];
  /** Nanoseconds each placed call waited. */
  readonly waitTime: RecordableHistogram = createHistogram();
  completed = 0;

  constructor(private readonly connectionsPerWorker: number) {}

  get waiting(): number {
    return this.waiters.length;
  }

  get workers(): readonly WorkerLink[] {
    return this.links;
  }

  add(link: WorkerLink): void {
    this.links.push(link);
    this.grantWaiters();
  }

  remove(link: WorkerLink): void {
    const at = this.links.indexOf(link);
    if (at >= 0) this.links.splice(at, 1);
  }

  /** Whether a call would be placed at once. */
  hasRoom(): boolean {
    return this.waiters.length === 0 && this.roomiest() !== undefined;
  }

  /** A place for one call at once, when a worker has room and nobody waits before it. */
  takeNow(use: SlotUse): Placement | undefined {
    if (this.waiters.length > 0) return undefined;
    const link = this.roomiest();
    if (link === undefined) return undefined;
    this.waitTime.record(1);
    return this.place(link, use);
  }

  /** A place for one call, in turn. */
  take(use: SlotUse, limits: WaitLimits): Promise<Placement> {
    const now = this.takeNow(use);
    if (now !== undefined) return Promise.resolve(now);
    const started = performance.now();
    return waitInLine<Placement, Waiter>(this.waiters, (turn) => ({ use, ...turn }), limits).then((placement) => {
      this.waitTime.record(Math.max(1, Math.round((performance.now() - started) * 1e6)));
      return placement;
    });
  }

  /** The call ended (or its worker died): its connection is free again. */
  give(placement: Placement): void {
    placement.link.placed[placement.use]--;
    this.completed++;
    this.grantWaiters();
  }

  /** Fail every waiting call (the pool is closing). */
  failAll(error: Error): void {
    for (const waiter of this.waiters.splice(0)) waiter.fail(error);
  }

  private grantWaiters(): void {
    while (this.waiters.length > 0) {
      const link = this.roomiest();
      if (link === undefined) return;
      const waiter = this.waiters.shift()!;
      waiter.grant(this.place(link, waiter.use));
    }
  }

  private place(link: WorkerLink, use: SlotUse): Placement {
    link.placed[use]++;
    return { link, use };
  }

  /** The live worker with the fewest connections in use (ties: the most idle ones), if any has room. */
  private roomiest(): WorkerLink | undefined {
    let best: WorkerLink | undefined;
    for (const link of this.links) {
      if (!link.alive || link.used >= this.connectionsPerWorker) continue;
      if (best === undefined || link.used < best.used || (link.used === best.used && link.counts.idle > best.counts.idle)) best = link;
    }
    return best;
  }
}
