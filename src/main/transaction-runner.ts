// Transactions: BEGIN … COMMIT, ROLLBACK on failure, savepoints when nested. One Transaction
// class serves both forms — `transaction(fn)` runs it around a callback; `transaction()` hands it
// to the caller, who calls start(), then commit() or rollback() (asyncpg's Transaction).
// Shared by Connection (inline) and PooledConnection (pinned from a pool).

import { InterfaceError } from '../codec/errors/client-errors.js';
import type { TransactionStatus } from '../worker/connection.js';
import { beginStatement, type TransactionOptions } from './transaction-options.js';

export interface TransactionHost {
  /** Run SQL with the simple protocol; resolves with the command tag. */
  simple(sql: string): Promise<string>;
  /** False once the connection is lost (a ROLLBACK could not be sent). */
  usable(): boolean;
  /** The server's view, from the last ReadyForQuery. */
  transactionStatus(): TransactionStatus;
  /** Nesting depth, kept by the host between calls. */
  transactionDepth: number;
  /**
   * The outermost COMMIT or ROLLBACK of a transaction after which the session is released
   * (pool.transaction with a callback): a pool's host may send its reset in the same write.
   */
  end(sql: 'COMMIT' | 'ROLLBACK'): Promise<string>;
}

type State = 'new' | 'started' | 'committed' | 'rolled back';

export class Transaction {
  #state: State = 'new';
  #depth = 0;

  /**
   * @internal Use connection.transaction().
   * `begun`: the outermost BEGIN was already sent with the connection's opening (pool.transaction).
   * `endsSession`: the session is released once the transaction ends (pool.transaction too).
   */
  constructor(
    private readonly host: TransactionHost,
    private readonly options: TransactionOptions | undefined,
    private readonly begun = false,
    private readonly endsSession = false,
  ) {
    // Checked now, so that a bad option fails where it was written.
    if (options !== undefined) beginStatement(options);
  }

  /** 'new', 'started', 'committed' or 'rolled back'. */
  get state(): State {
    return this.#state;
  }

  /** True when this is a savepoint inside an outer transaction. */
  get nested(): boolean {
    return this.#depth > 0;
  }

  /** BEGIN (or SAVEPOINT when a transaction of this connection is already open). */
  async start(): Promise<void> {
    if (this.#state !== 'new') throw new InterfaceError(`cannot start a transaction that is ${this.#state}: make a new one`);
    const host = this.host;
    const depth = host.transactionDepth;
    if (depth === 0) {
      if (!this.begun) {
        if (host.transactionStatus() !== 'idle') {
          throw new InterfaceError('a transaction is already open on this connection (a BEGIN sent by hand): end it with COMMIT or ROLLBACK before transaction(), or run transaction() inside another transaction() to get a savepoint');
        }
        await host.simple(beginStatement(this.options));
      }
    } else {
      if (this.options !== undefined && Object.keys(this.options).length > 0) {
        throw new InterfaceError('a nested transaction (savepoint) cannot set isolation, readOnly or deferrable: set them on the outermost transaction');
      }
      await host.simple(`SAVEPOINT ${savepointName(depth)}`);
    }
    this.#depth = depth;
    host.transactionDepth = depth + 1;
    this.#state = 'started';
  }

  /** COMMIT (or RELEASE SAVEPOINT). */
  async commit(): Promise<void> {
    this.checkEnding('commit');
    this.host.transactionDepth = this.#depth;
    this.#state = 'committed';
    if (this.#depth > 0) {
      await this.host.simple(`RELEASE SAVEPOINT ${savepointName(this.#depth)}`);
      return;
    }
    const tag = await this.endOutermost('COMMIT');
    // COMMIT of a transaction in which a statement failed (and the error was swallowed) rolls back.
    if (tag === 'ROLLBACK') {
      this.#state = 'rolled back';
      throw new InterfaceError('the transaction was rolled back, not committed, because a statement in it failed: let the error propagate out of the transaction callback, or use a nested transaction to recover');
    }
  }

  /** ROLLBACK (or ROLLBACK TO SAVEPOINT). On a lost connection there is nothing to roll back. */
  async rollback(): Promise<void> {
    this.checkEnding('roll back');
    this.host.transactionDepth = this.#depth;
    this.#state = 'rolled back';
    if (!this.host.usable()) return;
    if (this.#depth === 0) {
      await this.endOutermost('ROLLBACK');
      return;
    }
    const savepoint = savepointName(this.#depth);
    await this.host.simple(`ROLLBACK TO SAVEPOINT ${savepoint}; RELEASE SAVEPOINT ${savepoint}`);
  }

  /** The outermost COMMIT or ROLLBACK: through the host's `end` when the session ends with it. */
  private endOutermost(sql: 'COMMIT' | 'ROLLBACK'): Promise<string> {
    return this.endsSession ? this.host.end(sql) : this.host.simple(sql);
  }

  private checkEnding(verb: string): void {
    if (this.#state !== 'started') throw new InterfaceError(`cannot ${verb} a transaction that is ${this.#state === 'new' ? 'not started: call start() first' : this.#state}`);
    if (this.host.transactionDepth !== this.#depth + 1) throw new InterfaceError(`cannot ${verb} this transaction while a transaction nested in it is open: end the inner one first`);
  }
}

function savepointName(depth: number): string {
  return `pgloom_savepoint_${depth}`;
}

/** `fn` inside a transaction: COMMIT when it returns, ROLLBACK when it throws (and rethrow). */
export async function runInTransaction<T>(host: TransactionHost, fn: () => Promise<T>, options?: TransactionOptions, begun = false, endsSession = false): Promise<T> {
  const transaction = new Transaction(host, options, begun, endsSession);
  await transaction.start();
  let result: T;
  try {
    result = await fn();
  } catch (error) {
    // The callback's error is the one to report; a ROLLBACK that fails too (a lost connection) adds nothing.
    await transaction.rollback().catch(() => undefined);
    throw error;
  }
  await transaction.commit();
  return result;
}
