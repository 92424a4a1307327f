// connect() has no pool, so the service workload shares its connect() connections the way a pool
// would: single queries go round robin to any connection no transaction holds (each connection
// pipelines its queue), and a transaction holds a connection to itself until it ends, so that no
// other caller's query runs inside it.

export class ConnectionSet<C> {
  private readonly free: C[];
  private readonly waiting: { hold: boolean; resolve: (connection: C) => void }[] = [];
  private next = 0;

  constructor(connections: readonly C[]) {
    this.free = [...connections];
  }

  /** A connection to send one query on, shared with other callers. */
  any(): Promise<C> {
    return this.take(false);
  }

  /** A connection for the caller alone, until release(). */
  hold(): Promise<C> {
    return this.take(true);
  }

  release(connection: C): void {
    this.free.push(connection);
    // Callers wait only when every connection is held: wake them in order while one is free.
    while (this.waiting.length > 0 && this.free.length > 0) {
      const waiter = this.waiting.shift()!;
      waiter.resolve(this.pick(waiter.hold));
    }
  }

  private take(hold: boolean): Promise<C> {
    if (this.free.length > 0) return Promise.resolve(this.pick(hold));
    return new Promise((resolve) => this.waiting.push({ hold, resolve }));
  }

  private pick(hold: boolean): C {
    const at = this.next++ % this.free.length;
    return hold ? this.free.splice(at, 1)[0] : this.free[at];
  }
}
