// pool.stats(): what the pool's books say now — the main thread's own placements and each
// worker's last report of its connections — so it answers at once, with no round trip.

import type { RecordableHistogram } from 'node:perf_hooks';
import type { PoolCore } from './threads/pool-core.js';
import type { LaneStates } from './threads/main-thread-lane.js';

export interface HistogramSummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** One worker's connections (or the pool's, summed). */
export interface ConnectionStates {
  /** Open and usable: idle, or running a call, a session or a stream. */
  open: number;
  /** Open and free. */
  idle: number;
  /** Running a one-shot call (including calls given up on, until their cancel has landed). */
  busy: number;
  /** Pinned by a session (acquire, withConnection, transaction, cursor, listen). */
  pinned: number;
  /** Held by a stream. */
  streaming: number;
  /** Being opened. */
  opening: number;
  /** Lost or given up on, not yet freed by the call or session that held it. */
  broken: number;
}

export interface PoolStats {
  workers: number;
  /** Connections in use (one-shot calls, pinned sessions and streams). */
  busy: number;
  /** Calls waiting for a free connection. */
  queued: number;
  capacity: number;
  connections: ConnectionStates;
  perWorker: ConnectionStates[];
  /** The pool's connections on the main thread (not counted in `connections` or `capacity`). */
  mainThread: LaneStates;
  /** Calls (and sessions, and streams) that have ended. */
  completed: number;
  /** ms waited for a connection, and ms from sending a one-shot call to its end. */
  waitTime: HistogramSummary;
  runTime: HistogramSummary;
}

function summarise(histogram: RecordableHistogram, scale: number): HistogramSummary {
  if (histogram.count === 0) return { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 };
  return {
    count: histogram.count,
    min: histogram.min / scale,
    mean: histogram.mean / scale,
    p50: histogram.percentile(50) / scale,
    p90: histogram.percentile(90) / scale,
    p99: histogram.percentile(99) / scale,
    max: histogram.max / scale,
  };
}

export function poolStats(core: PoolCore): PoolStats {
  const perWorker: ConnectionStates[] = core.queue.workers.map((link) => ({ ...link.counts, ...link.placed }));
  const connections: ConnectionStates = { open: 0, idle: 0, busy: 0, pinned: 0, streaming: 0, opening: 0, broken: 0 };
  for (const states of perWorker) {
    for (const key of Object.keys(connections) as (keyof ConnectionStates)[]) connections[key] += states[key];
  }
  const scale = 1e6;
  return {
    workers: perWorker.length,
    busy: connections.busy + connections.pinned + connections.streaming,
    queued: core.queue.waiting,
    capacity: core.options.workers * core.options.worker.connectionsPerWorker,
    connections,
    perWorker,
    mainThread: core.lane.states(),
    completed: core.queue.completed,
    waitTime: summarise(core.queue.waitTime, scale),
    runTime: summarise(core.runTime, scale),
  };
}
