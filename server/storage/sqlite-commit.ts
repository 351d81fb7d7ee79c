/**
 * Group commit for the SQLite store: the writes that arrive in one turn of the event loop share one
 * transaction, and their callers' promises settle only once that transaction is on disk: an ack
 * sent on it means the message is fsynced. If the commit itself fails, every write of the batch is
 * refused. If one write throws (a constraint, a missing row), the batch is rolled back and each
 * write runs again in its own transaction, so one bad write refuses only itself.
 *
 * The fsync runs off the event loop. A batch commits with `synchronous = NORMAL` (SQLite writes the
 * WAL and returns, no fsync), then the WAL file is fsynced on libuv's thread pool while the server
 * goes on reading frames and committing the next batches; one fsync at a time, each covering every
 * commit made before it started. With `synchronous = FULL` in COMMIT instead, the event loop stood
 * still for every fsync (30 % of the server's time under the throughput bench, issue 11). Writes
 * outside group commit still run with the connection's own `synchronous = FULL`.
 *
 * The writes are plain functions run inside the batch's transaction (no savepoint per write).
 */
import type Database from 'better-sqlite3';

/** Writes per transaction at most: a long batch would hold up the reads queued behind it. */
const MAX_BATCH = 512;

interface Job {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Makes everything written so far durable, then calls back (with the error if it could not). */
export type Sync = (done: (error: Error | null) => void) => void;

export interface GroupCommitOptions {
  /**
   * How a commit is made durable before its writers hear of it (an fsync of the WAL file on the
   * thread pool, see sqlite-storage.ts). Without it, a commit is as durable as the connection's
   * `synchronous` setting makes it when COMMIT returns.
   */
  sync?: Sync;
}

export class GroupCommit {
  readonly #db: Database.Database;
  readonly #sync: Sync | undefined;
  readonly #relaxed: Database.Statement | undefined;
  readonly #strict: Database.Statement | undefined;
  #queue: Job[] = [];
  #scheduled = false;
  /** Committed, waiting for the next sync: each job with its result. */
  #unsynced: { job: Job; result: unknown }[] = [];
  /** A sync is running; {@link #unsynced} waits for the one after it. */
  #syncing = false;
  /** Commits made so far, and how many of them are synced. */
  #made = 0;
  #synced = 0;
  /** Waiting for the sync of every commit made before they asked. */
  #waiters: { made: number; resolve: () => void }[] = [];
  /** Commits made, writes in them and syncs (the throughput bench and tests read them). */
  readonly stats = { commits: 0, writes: 0, syncs: 0 };

  constructor(db: Database.Database, options: GroupCommitOptions = {}) {
    this.#db = db;
    this.#sync = options.sync;
    if (this.#sync) {
      // The connection's own setting (FULL) comes back after each batch, for every other write.
      this.#relaxed = db.prepare('PRAGMA synchronous = NORMAL');
      this.#strict = db.prepare('PRAGMA synchronous = FULL');
    }
  }

  /** Runs `work` in the next batch; resolves with its result once the batch is durable. */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        // After the I/O callbacks of this turn: every frame read in it has queued its write.
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits everything queued now (also called on close); the syncs follow. */
  flush(): void {
    this.#scheduled = false;
    while (this.#queue.length > 0) this.#commit(this.#queue.splice(0, MAX_BATCH));
    this.#startSync();
  }

  /**
   * Resolves once every write committed so far is durable (commits made later do not hold it up):
   * a read that must not show what could still be lost in a power cut waits for it.
   */
  settled(): Promise<void> {
    const made = this.#made;
    if (this.#synced >= made) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ made, resolve }));
  }

  #commit(batch: Job[]): void {
    const db = this.#db;
    const results: unknown[] = [];
    let failedWrite = false;
    this.#relaxed?.run();
    try {
      db.exec('BEGIN IMMEDIATE');
      try {
        for (const job of batch) results.push(job.work());
      } catch (error) {
        failedWrite = true;
        throw error;
      }
      db.exec('COMMIT');
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      if (!failedWrite) {
        this.#strict?.run();
        for (const job of batch) job.reject(error);
        return;
      }
      for (const job of batch) this.#alone(job);
      this.#strict?.run();
      return;
    }
    this.#strict?.run();
    this.stats.commits += 1;
    this.stats.writes += batch.length;
    batch.forEach((job, index) => this.#committed(job, results[index]));
  }

  /** One write in its own transaction (after a batch that one of its writes failed). */
  #alone(job: Job): void {
    let result: unknown;
    try {
      result = this.#db.transaction(job.work).immediate();
    } catch (error) {
      job.reject(error);
      return;
    }
    this.stats.commits += 1;
    this.stats.writes += 1;
    this.#committed(job, result);
  }

  #committed(job: Job, result: unknown): void {
    this.#made += 1;
    if (!this.#sync) this.#synced = this.#made;
    if (this.#sync) this.#unsynced.push({ job, result });
    else job.resolve(result);
  }

  /** Syncs what is committed, unless a sync runs: then the next one takes it when that ends. */
  #startSync(): void {
    const sync = this.#sync;
    if (!sync || this.#syncing || this.#unsynced.length === 0) return;
    const done = this.#unsynced;
    const made = this.#made;
    this.#unsynced = [];
    this.#syncing = true;
    sync((error) => {
      this.#syncing = false;
      this.stats.syncs += 1;
      // A failed fsync leaves those commits in doubt: their writers are refused, readers go on.
      this.#synced = made;
      for (const { job, result } of done) {
        if (error) job.reject(error);
        else job.resolve(result);
      }
      const ready = this.#waiters.filter((waiter) => waiter.made <= made);
      this.#waiters = this.#waiters.filter((waiter) => waiter.made > made);
      for (const waiter of ready) waiter.resolve();
      this.#startSync();
    });
  }
}
