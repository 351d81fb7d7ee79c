/**
 * Group commit for the SQLite store: the writes that arrive in one turn of the event loop share one
 * transaction, and so one fsync (the database runs `synchronous = FULL`, so a commit is on disk when
 * it returns). Each caller's promise settles only after that commit: an ack sent on it means the
 * message is on disk. If the commit itself fails, every write of the batch is refused. If one write
 * throws (a constraint, a missing row), the batch is rolled back and each write runs again in its own
 * transaction, so one bad write refuses only itself.
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

export class GroupCommit {
  readonly #db: Database.Database;
  #queue: Job[] = [];
  #scheduled = false;
  /** Commits made and writes in them (the throughput bench and tests read them). */
  readonly stats = { commits: 0, writes: 0 };

  constructor(db: Database.Database) {
    this.#db = db;
  }

  /** Runs `work` in the next batch; resolves with its result once the batch is committed. */
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

  /** Commits everything queued now (also called on close). */
  flush(): void {
    this.#scheduled = false;
    while (this.#queue.length > 0) this.#commit(this.#queue.splice(0, MAX_BATCH));
  }

  #commit(batch: Job[]): void {
    const db = this.#db;
    const results: unknown[] = [];
    let failedWrite = false;
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
        for (const job of batch) job.reject(error);
        return;
      }
      for (const job of batch) this.#alone(job);
      return;
    }
    this.stats.commits += 1;
    this.stats.writes += batch.length;
    batch.forEach((job, index) => job.resolve(results[index]));
  }

  /** One write in its own transaction (after a batch that one of its writes failed). */
  #alone(job: Job): void {
    try {
      const result = this.#db.transaction(job.work).immediate();
      this.stats.commits += 1;
      this.stats.writes += 1;
      job.resolve(result);
    } catch (error) {
      job.reject(error);
    }
  }
}
