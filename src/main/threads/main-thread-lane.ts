// The pool's connections on the main thread. A one-shot statement whose results the pool has seen
// to be small runs here, inline as connect() runs it, with no thread hop: for a one-row query the
// hop costs both threads more CPU than the query itself (docs/thread-layer.md, "The main-thread
// lane"). Pinned sessions (transactions, withConnection) take a free one here too, for their
// whole life. Large or unknown results, streams, and COPY to or from files stay on workers.

import { performance } from 'node:perf_hooks';
import { QueryAbortedError } from '../../codec/errors/client-errors.js';
import type { QuerySuccess } from '../../worker/pool/contract.js';
import type { Connection } from '../connection.js';
import type { CallOptions, RunOutcome, RunRequest } from '../queryable.js';
import { CallGuard } from './call-guard.js';
import { connectionWaitLimits, waitInLine, type Turn } from './wait-in-line.js';

export interface LaneSettings {
  /** Connections at most; 0 turns the lane off. */
  size: number;
  /** A statement whose last result had at most this many rows runs here. */
  maxRows: number;
  maxQueriesPerConnection: number;
  maxInactiveConnectionLifetime: number;
  acquireTimeout: number | undefined;
  /** Open one connection, with the pool's connection options and its init SQL. */
  open(): Promise<Connection>;
}

export interface LaneStates {
  open: number;
  idle: number;
  busy: number;
  /** Of the busy ones, those pinned by a session (pool.acquire(), transaction(), withConnection()). */
  pinned: number;
  opening: number;
  waiting: number;
  /** Calls run on these connections so far. */
  calls: number;
  /** Calls and sessions that waited here and went to a worker, none of these connections given back in time (see STALL_MS). */
  handedOff: number;
}

interface LaneConnection {
  connection: Connection;
  queries: number;
  idleTimer: NodeJS.Timeout | undefined;
  expired: boolean;
  /** One-shot calls on it now: more than 1 while calls are pipelined behind the first (see #share). */
  running: number;
  /** Another call may go behind the last one it runs (see #share). */
  shareable: boolean;
  /** Every call it runs is of a statement seen to be quick (see QUICK_MS): one may go behind them while another connection is idle. */
  quick: boolean;
  pinned: boolean;
  /** Its pinned session is ending (see PinnedLaneConnection.releasing). */
  releasing: boolean;
}

/** What a waiter is given: a connection, a place to open one in, or the word to go to a worker (see STALL_MS). */
type Granted = LaneConnection | 'open' | 'elsewhere';
type Waiter = Turn<Granted>;

/** A connection held for a pinned session; unpin() gives it back (closed first when it must not serve again). */
export interface PinnedLaneConnection {
  connection: Connection;
  /** The session is ending (its COMMIT or its reset is on the way): the connection comes back by itself, so a wait for it is no stall (see STALL_MS). */
  releasing(): void;
  unpin(): void;
}

/**
 * A call that finds every main-thread connection busy waits for one while the main thread is this
 * busy or more (event-loop utilization): its CPU is then the limit, and a call through a worker
 * costs it about as much. Below it the lane waits on the network or the server, and a worker's
 * free connection serves the call sooner.
 */
const BUSY_UTILIZATION = 0.5;

/**
 * Calls and sessions waiting here go to workers once, for this long (ms), no connection has been
 * given back while every busy one is pinned by a session that is not ending. Such sessions may
 * wait on a call made inside them (a pool.fetch inside pool.transaction), which would otherwise
 * wait on them forever. Other waits end by themselves — one-shot calls and ending sessions give
 * their connections back — and staying here spares a call two thread hops per statement: in the
 * service workload, sessions sent to workers whenever sessions pinned every connection held the
 * pool to 0.6× postgres.js (bench/PROFILES.md §12).
 */
const STALL_MS = 10;

/** How long one reading of the event loop's utilization is used, ms. */
const UTILIZATION_WINDOW_MS = 20;

/**
 * The most rows of a statement whose calls may be pipelined. Up to here a call's cost is mostly
 * its writes and reads, which pipelining shares; past it, decoding on this thread, which it does
 * not: pipelined calls of 620–1000 rows kept the main thread saturated, and so every call on it,
 * with the workers idle (asyncpg's pgbench pg_type query: 0.55× the throughput).
 */
const PIPELINE_MAX_ROWS = 64;

/**
 * One-shot calls on one connection at most, pipelined (see #share). Deeper pipelines share each
 * write and read among more calls: 20 callers of a one-row query on the default pool's 5
 * connections, main-thread CPU per query 47–54 µs at 2 deep, 40–41 µs at 8 (bench/PROFILES.md §13);
 * at 16, with calls going behind quick ones (see QUICK_MS), a quarter fewer writes than at 8 (§16).
 */
const PIPELINE_DEPTH = 16;

/**
 * A statement whose last run here (its wait behind others included) took at most this long, ms, is
 * quick: a call may go behind up to JOIN_DEPTH - 1 calls of quick statements rather than take an
 * idle connection, and so share their write and read, the main thread's largest cost per one-row
 * query (bench/PROFILES.md §16). Only quick ones: a small statement can still be slow (a
 * pg_sleep), and a call must not wait for it while a connection is idle.
 */
const QUICK_MS = 5;

/** Calls on one connection at most that a call joins before it takes an idle connection (see QUICK_MS). */
const JOIN_DEPTH = 8;

/** How a call may share a connection with others (see #share). */
interface Sharing {
  /** It has no signal or timeout, so it may go behind others. */
  mayGoBehind: boolean;
  /** Its statement was seen to be small and to leave no transaction open: others may go behind it. */
  othersMayFollow: boolean;
  /** Its statement was seen to be quick too (see QUICK_MS). */
  quick: boolean;
}

/** A session's or a COPY's connection: no one goes behind it, nor does it go behind anyone. */
const ALONE: Sharing = { mayGoBehind: false, othersMayFollow: false, quick: false };

/** Statements remembered at most; past it the memory starts again (statements are relearned at once). */
const MAX_KNOWN_STATEMENTS = 4096;

export class MainThreadLane {
  readonly #known = new Map<string, boolean>();
  /**
   * Statements whose last run here returned at most PIPELINE_MAX_ROWS rows and left the
   * connection out of any transaction, a call may go behind them (see #share), with how long that
   * run took, ms (see QUICK_MS).
   */
  readonly #pipelinable = new Map<string, number>();
  readonly #idle: LaneConnection[] = [];
  readonly #inUse = new Set<LaneConnection>();
  readonly #waiters: Waiter[] = [];
  #opening = 0;
  #pinned = 0;
  /** Of the pinned, those whose session is ending. */
  #releasing = 0;
  #calls = 0;
  #handedOff = 0;
  /** When a connection was last given back or opened (performance.now()): see #handOffIfStalled. */
  #lastGiveBack = 0;
  #stallTimer: NodeJS.Timeout | undefined;
  #loop = performance.eventLoopUtilization();
  #loopReadAt = 0;
  #mainBusy = true;
  #closedWith: Error | undefined;

  constructor(private readonly settings: LaneSettings) {}

  /** Whether `sql` should run here: the lane is on and the statement's results were small. */
  prefers(sql: string): boolean {
    return this.settings.size > 0 && this.#closedWith === undefined && this.#known.get(sql) === true;
  }

  /**
   * Whether a call for the lane waits here (else it goes to a worker): yes when a connection is
   * free or may be opened, or a session's is on its way back that no one waits for yet (its reset
   * in flight: a caller that ran pool.transaction and then calls the pool again would otherwise
   * find it still pinned and pay the thread hops), and when all are busy while the main thread is
   * busy (see BUSY_UTILIZATION). A wait that stalls goes to a worker after all (see STALL_MS).
   */
  waitsWhenBusy(): boolean {
    if (this.#idle.length > 0 || this.#room() > 0 || this.#releasing > this.#waiters.length) return true;
    return this.#mainThreadBusy();
  }

  #mainThreadBusy(): boolean {
    const now = performance.now();
    if (now - this.#loopReadAt >= UTILIZATION_WINDOW_MS) {
      const since = performance.eventLoopUtilization(this.#loop);
      this.#loop = performance.eventLoopUtilization();
      this.#loopReadAt = now;
      this.#mainBusy = since.utilization >= BUSY_UTILIZATION;
    }
    return this.#mainBusy;
  }

  /** What a run of `sql` (here or in a worker) returned: `rows` rows. */
  learn(sql: string, rows: number): void {
    if (this.settings.size === 0) return;
    const small = rows <= this.settings.maxRows;
    if (this.#known.get(sql) === small) return;
    if (this.#known.size >= MAX_KNOWN_STATEMENTS) {
      this.#known.clear();
      this.#pipelinable.clear();
    }
    this.#known.set(sql, small);
  }

  /**
   * Run one request on a connection of the lane, waiting in turn for one to be free; undefined,
   * and nothing run, when the wait stalled (see STALL_MS): a worker is to run it.
   */
  async run<R>(request: RunRequest, options: CallOptions): Promise<RunOutcome<R> | undefined> {
    // The call's timeout counts from the call, the wait included.
    const guard = new CallGuard(options);
    const guarded = guard.signal !== undefined || guard.timeout !== undefined;
    // A later call may go behind this one if nothing can cut it short (a cancel would otherwise
    // have to wait for the calls behind, or hit them) and its statement leaves no transaction
    // open (the calls behind would run inside it).
    const lastMs = guarded ? undefined : this.#pipelinable.get(request.sql);
    const sharing: Sharing = { mayGoBehind: !guarded, othersMayFollow: lastMs !== undefined, quick: lastMs !== undefined && lastMs <= QUICK_MS };
    // A connection to be had at once is taken without a promise: this is every one-row call's path.
    const held = this.#takeAtOnce(guard, sharing) ?? (await this.#take(guard, sharing));
    if (held === undefined) return undefined;
    if (held.running === 1) {
      held.shareable = sharing.othersMayFollow;
      held.quick = sharing.quick;
    }
    this.#calls++;
    const remaining = guard.remaining();
    const started = performance.now();
    let outcome: RunOutcome<R>;
    try {
      outcome = await held.connection.runRequest<R>(request, remaining === undefined ? options : { ...options, timeout: Math.max(1, remaining) });
    } finally {
      this.#giveBack(held);
    }
    const rows = outcome.rowCount ?? outcome.result?.numRows ?? outcome.rows?.length ?? 0;
    this.learn(request.sql, rows);
    if (rows <= PIPELINE_MAX_ROWS && held.connection.transactionStatus === 'idle') this.#pipelinable.set(request.sql, performance.now() - started);
    else this.#pipelinable.delete(request.sql);
    return outcome;
  }

  /**
   * Run `fn` on a connection of the lane if one is free or may be opened now (a COPY of data
   * that is on this thread already); undefined, and nothing run, when none is.
   */
  runNow<T>(fn: (connection: Connection) => Promise<T>): Promise<T> | undefined {
    return this.#takeNow()?.then(async (held) => {
      this.#calls++;
      try {
        return await fn(held.connection);
      } finally {
        this.#giveBack(held);
      }
    });
  }

  /**
   * Hold a connection for a pinned session: one free or that may be opened now, or else — as a
   * one-shot call does (see waitsWhenBusy) — the next one given back, while the main thread is busy.
   * A session through a worker pays the hop on each of its statements (bench/PROFILES.md §10, §12).
   * Undefined, and nothing taken, otherwise, or (resolved) when the wait stalled (see STALL_MS):
   * the session then takes a worker's connection.
   */
  pin(guard: CallGuard): Promise<PinnedLaneConnection | undefined> | undefined {
    const taking = this.#takeNow() ?? (this.waitsWhenBusy() ? this.#take(guard, ALONE) : undefined);
    return taking?.then((held) => {
      if (held === undefined) return undefined;
      this.#pinned++;
      this.#calls++;
      let pinned = true;
      held.pinned = true;
      return {
        connection: held.connection,
        releasing: () => {
          if (!pinned || held.releasing) return;
          held.releasing = true;
          this.#releasing++;
        },
        unpin: () => {
          if (!pinned) return;
          pinned = false;
          held.pinned = false;
          this.#pinned--;
          if (held.releasing) this.#releasing--;
          held.releasing = false;
          this.#giveBack(held);
        },
      };
    });
  }

  #takeNow(): Promise<LaneConnection> | undefined {
    if (this.settings.size === 0 || this.#closedWith !== undefined) return undefined;
    const idle = this.#idle.pop();
    return idle !== undefined ? Promise.resolve(this.#hold(idle)) : this.#room() > 0 ? this.#open(false) : undefined;
  }

  states(): LaneStates {
    const open = this.#idle.length + this.#inUse.size;
    return { open, idle: this.#idle.length, busy: this.#inUse.size, pinned: this.#pinned, opening: this.#opening, waiting: this.#waiters.length, calls: this.#calls, handedOff: this.#handedOff };
  }

  /** Close idle connections now, those in use when their call ends (pool.expireConnections). */
  async expire(): Promise<void> {
    for (const held of this.#inUse) held.expired = true;
    await Promise.all(this.#idle.splice(0).map((held) => this.#close(held)));
  }

  /** Forget the introspected types on every connection (pool.reloadSchemaState, after ALTER TYPE). */
  async reloadSchemaState(): Promise<void> {
    await Promise.all([...this.#idle, ...this.#inUse].map((held) => held.connection.reloadSchemaState()));
  }

  /** Refuse new calls; waiting ones fail with `error`. */
  refuse(error: Error): void {
    this.#closedWith ??= error;
    clearTimeout(this.#stallTimer);
    for (const waiter of this.#waiters.splice(0)) waiter.fail(error);
  }

  /** Close every idle connection (after refuse() and the running calls have ended); cut any left. */
  async close(): Promise<void> {
    await Promise.all(this.#idle.splice(0).map((held) => this.#close(held)));
    for (const held of this.#inUse) held.connection.terminate();
  }

  /** Cut every connection at once: running calls fail with a ConnectionError. */
  terminate(): void {
    for (const held of [...this.#idle.splice(0), ...this.#inUse]) {
      clearTimeout(held.idleTimer);
      held.connection.terminate();
    }
  }

  /** A connection for a call that shares as `sharing` says (see #share); undefined when the wait for one stalled (see STALL_MS). */
  #take(guard: CallGuard, sharing: Sharing): Promise<LaneConnection | undefined> {
    if (this.#closedWith !== undefined) return Promise.reject(this.#closedWith);
    if (guard.signal?.aborted) return Promise.reject(new QueryAbortedError('the query was aborted before it started'));
    const now = this.#takeAtOnce(guard, sharing);
    if (now !== undefined) return Promise.resolve(now);
    if (this.#room() > 0) return this.#open(false);
    // Every connection busy: a write due this turn first, as in #takeAtOnce, now whether quick or not.
    const shared = sharing.mayGoBehind ? (this.#share(sharing, PIPELINE_DEPTH, { writeDue: true }) ?? this.#share(sharing, PIPELINE_DEPTH)) : undefined;
    if (shared !== undefined) return Promise.resolve(shared);
    const call = { signal: guard.signal, timeout: guard.timeout, remainingMs: guard.remaining() };
    const waiting = waitInLine<Granted, Waiter>(this.#waiters, (turn) => turn, connectionWaitLimits(call, this.settings.acquireTimeout, 'raise mainThreadConnections'));
    this.#watchForStall(STALL_MS);
    return waiting.then((granted) => (granted === 'elsewhere' ? undefined : granted === 'open' ? this.#open(true) : granted));
  }

  /**
   * A connection free now, or one whose write this turn the call may join, or one running a few
   * quick calls (see QUICK_MS); undefined when none is, or the lane is closed.
   */
  #takeAtOnce(guard: CallGuard, sharing: Sharing): LaneConnection | undefined {
    if (this.#closedWith !== undefined || guard.signal?.aborted) return undefined;
    if (sharing.mayGoBehind) {
      // Behind calls already waiting for this turn's write, the call costs the main thread no write
      // and no read of its own: a one-row query's largest cost here (bench/PROFILES.md §14).
      // Before an idle connection, only behind quick calls (see QUICK_MS).
      const joined = this.#share(sharing, PIPELINE_DEPTH, { writeDue: true, quick: true }) ?? this.#share(sharing, JOIN_DEPTH, { quick: true });
      if (joined !== undefined) return joined;
    }
    const idle = this.#idle.pop();
    return idle === undefined ? undefined : this.#hold(idle, sharing);
  }

  #watchForStall(delayMs: number): void {
    if (this.#stallTimer !== undefined) return;
    this.#stallTimer = setTimeout(() => {
      // After a block of this thread, timers run before the poll phase reads what arrived meanwhile
      // (connections given back among it): look once that phase has run.
      setImmediate(() => {
        this.#stallTimer = undefined;
        this.#handOffIfStalled();
      });
    }, delayMs);
  }

  /** A stall (see STALL_MS) while calls wait: every waiting call goes to a worker. */
  #handOffIfStalled(): void {
    if (this.#waiters.length === 0 || this.#closedWith !== undefined) return;
    // A one-shot call, an ending session or an opening connection frees a place by itself.
    if (this.#inUse.size > this.#pinned - this.#releasing || this.#opening > 0) return this.#watchForStall(STALL_MS);
    const quietMs = performance.now() - this.#lastGiveBack;
    if (quietMs < STALL_MS) return this.#watchForStall(STALL_MS - quietMs);
    for (const waiter of this.#waiters.splice(0)) {
      this.#handedOff++;
      waiter.grant('elsewhere');
    }
  }

  /**
   * Every connection busy: the call goes behind the shareable one that runs the fewest (pipelined,
   * as calls made at once on one connect() connection are) rather than wait for one to be free. On
   * cores shared with the server the main thread's CPU is then the limit, and one write and one
   * read carry several calls. Only a connection running fewer than `depth` calls, and, as `only`
   * says, one whose write is due this turn, or whose calls are all quick (see QUICK_MS).
   */
  #share(sharing: Sharing, depth: number, only: { writeDue?: boolean; quick?: boolean } = {}): LaneConnection | undefined {
    const { maxQueriesPerConnection } = this.settings;
    let chosen: LaneConnection | undefined;
    for (const held of this.#inUse) {
      if (held.running >= depth || !held.shareable || held.pinned || held.expired || held.connection.closed) continue;
      if ((only.writeDue === true && !held.connection.writeDueThisTurn) || (only.quick === true && !held.quick)) continue;
      // A connection about to be retired takes no more calls than it has left.
      if (maxQueriesPerConnection > 0 && held.queries + held.running >= maxQueriesPerConnection) continue;
      if (chosen === undefined || held.running < chosen.running) chosen = held;
    }
    if (chosen === undefined) return undefined;
    chosen.running++;
    chosen.shareable = sharing.othersMayFollow;
    chosen.quick &&= sharing.quick;
    return chosen;
  }

  #room(): number {
    return this.settings.size - this.#idle.length - this.#inUse.size - this.#opening;
  }

  #hold(held: LaneConnection, sharing: Sharing = ALONE): LaneConnection {
    clearTimeout(held.idleTimer);
    held.idleTimer = undefined;
    held.running = 1;
    held.shareable = sharing.othersMayFollow;
    held.quick = sharing.quick;
    this.#inUse.add(held);
    return held;
  }

  /** Open a connection; `reserved`: its place was counted already (see #grant). */
  async #open(reserved: boolean): Promise<LaneConnection> {
    if (!reserved) this.#opening++;
    let connection: Connection;
    try {
      connection = await this.settings.open();
    } catch (error) {
      this.#opening--;
      this.#grant();
      throw error;
    }
    this.#opening--;
    this.#lastGiveBack = performance.now();
    return this.#hold({ connection, queries: 0, idleTimer: undefined, expired: false, running: 0, shareable: false, quick: false, pinned: false, releasing: false });
  }

  #giveBack(held: LaneConnection): void {
    held.queries++;
    this.#lastGiveBack = performance.now();
    // Calls pipelined with this one still run: the connection is free when all have ended
    // (whether more may follow depends on the last of them, which still runs).
    if (--held.running > 0) return;
    this.#inUse.delete(held);
    const { maxQueriesPerConnection, maxInactiveConnectionLifetime } = this.settings;
    const retire = held.connection.closed || held.expired || this.#closedWith !== undefined
      || (maxQueriesPerConnection > 0 && held.queries >= maxQueriesPerConnection)
      // A connection left in a transaction (a BEGIN run as a one-shot call) must not serve others.
      || held.connection.transactionStatus !== 'idle';
    if (retire) {
      void this.#close(held);
    } else {
      const waiter = this.#waiters.shift();
      if (waiter !== undefined) return waiter.grant(this.#hold(held));
      if (maxInactiveConnectionLifetime > 0) {
        held.idleTimer = setTimeout(() => this.#retireIdle(held), maxInactiveConnectionLifetime);
        held.idleTimer.unref();
      }
      this.#idle.push(held);
      return;
    }
    this.#grant();
  }

  /** A place freed without a connection to hand over: the next waiter opens one. */
  #grant(): void {
    if (this.#room() <= 0 || this.#waiters.length === 0) return;
    // The place is counted as opening now, so that no later caller takes it first.
    this.#opening++;
    this.#waiters.shift()!.grant('open');
  }

  #retireIdle(held: LaneConnection): void {
    const at = this.#idle.indexOf(held);
    if (at < 0) return;
    this.#idle.splice(at, 1);
    void this.#close(held);
  }

  async #close(held: LaneConnection): Promise<void> {
    clearTimeout(held.idleTimer);
    if (!held.connection.closed) await held.connection.close().catch(() => held.connection.terminate());
  }

}

/** How many rows a worker's reply held (its command tag's count when it has one). */
export function rowsOfReply(reply: QuerySuccess): number {
  if (reply.rowCount !== null) return reply.rowCount;
  if (reply.rows !== undefined) return reply.rows.ends.length;
  return reply.batches.reduce((sum, batch) => sum + batch.numRows, 0);
}
