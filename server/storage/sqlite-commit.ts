/**
 * Group commit for the SQLite store: the writes that arrive in one turn of the event loop share one
 * transaction (while a sync runs, those of every turn until it ends: they would wait for the next
 * sync anyway), and their callers' promises settle only once that transaction is on disk: an ack
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
 * A failed fsync leaves the commits before it in doubt: its writers are refused, and nothing of
 * them may reach anyone until they are durable after all, since an ack or a delivery must mean "on
 * disk". A later fsync of the WAL does not prove that: on Linux the pages a failed writeback could
 * not write are marked clean, so the next fsync succeeds without them (PostgreSQL's "fsyncgate",
 * 2018). So the syncs after a failure are recoveries (see {@link Sync}), tried again on a timer
 * until one succeeds. Until then every write waits for one (a client's resend of a message whose
 * row the failed batch holds finds it, and its duplicate ack waits like any other write: refused
 * while the recovery fails, acked once it succeeds), and {@link GroupCommit.settled}, which every
 * read that reaches a client awaits, fails with each failed attempt instead of showing them.
 *
 * Under load, batches are also spaced ({@link GroupCommitOptions.spacing}): after a large batch, the
 * next commits no sooner than a few milliseconds after it, so the writes of several turns share one
 * transaction. A write waits for an fsync anyway; a few milliseconds more buy fewer, larger
 * transactions, which cost the event loop less per message: each commit writes every page it
 * touched to the WAL (PostgreSQL's `commit_delay`, applied only when enough other transactions are
 * active, makes the same trade). After a small batch, the next commits at once: at a low load the
 * wait would only add to each ack.
 *
 * The writes are plain functions run inside the batch's transaction (no savepoint per write).
 */
import type Database from 'better-sqlite3';
import { StorageInDoubt } from './storage.js';

/** Writes per transaction at most: a long batch would hold up the reads queued behind it. */
const MAX_BATCH = 512;

interface Job {
  work: () => unknown;
  deferred: DeferredWrites | undefined;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** After a failed sync, the first retry waits this long; each failure doubles it, up to the max. */
const RETRY_MS = 50;
const RETRY_MAX_MS = 2000;

/**
 * Makes everything committed so far durable, then calls back (with the error if it could not).
 * `recover`: a sync failed since the last one that succeeded, so what it covered must be written
 * again, not only fsynced (the SQLite store checkpoints the WAL into the database file, which
 * SQLite fsyncs).
 */
export type Sync = (done: (error: Error | null) => void, recover: boolean) => void;

export interface GroupCommitOptions {
  /**
   * How a commit is made durable before its writers hear of it (an fsync of the WAL file on the
   * thread pool, see sqlite-storage.ts). Without it, a commit is as durable as the connection's
   * `synchronous` setting makes it when COMMIT returns.
   */
  sync?: Sync;
  /** Told of each batch's transaction: the seq heads kept in memory (sqlite-caches.ts). */
  batch?: BatchHooks;
  /** By default batches are not spaced. */
  spacing?: CommitSpacing;
}

/**
 * After a batch of at least `minWrites` writes (a sign of load), the next one commits no sooner
 * than `intervalMs` after that batch began to commit, besides waiting for the running sync.
 */
export interface CommitSpacing {
  intervalMs: number;
  minWrites: number;
}

/** What runs around each batch's writes (not around a write retried alone). */
export interface BatchHooks {
  /** After BEGIN, before the first write. */
  begin(): void;
  /** After the last write, before COMMIT. */
  write(): void;
  /** COMMIT succeeded. */
  committed(): void;
  /** The batch rolled back (a write or the COMMIT failed). */
  failed(): void;
}

/**
 * Writes that a run of jobs of one kind puts off and makes once for the whole run: the 1:1
 * messages' conversation rows, one upsert per conversation per batch instead of two per message
 * (issue 11). They are made in the batch's transaction before its first job of another kind
 * (which may read or change those rows) and before COMMIT; a batch that rolls back forgets them.
 */
export interface DeferredWrites {
  /** Makes the writes put off so far (inside the transaction). */
  flush(): void;
  /** Forgets them: the transaction rolled back. */
  discard(): void;
}

export class GroupCommit {
  readonly #db: Database.Database;
  readonly #sync: Sync | undefined;
  readonly #batch: BatchHooks | undefined;
  readonly #relaxed: Database.Statement | undefined;
  readonly #strict: Database.Statement | undefined;
  readonly #spacing: CommitSpacing | undefined;
  #queue: Job[] = [];
  #scheduled = false;
  /** Committed, waiting for the next sync: each job with its result. */
  #unsynced: { job: Job; result: unknown }[] = [];
  /** A sync is running; {@link #unsynced} waits for the one after it. */
  #syncing = false;
  /** Writes are queued for when the running sync ends ({@link #flushUnlessSyncing}). */
  #heldForSync = false;
  /** When the next batch may commit (`performance.now()`), and the timer waiting for that. */
  #dueAt = -Infinity;
  #spacingTimer: NodeJS.Timeout | undefined;
  /** Commits made so far, and how many of them a successful sync made durable. */
  #made = 0;
  #durable = 0;
  /** A sync failed and no recovery succeeded since: the commits after {@link #durable} are in doubt. */
  #inDoubt = false;
  #retry: NodeJS.Timeout | undefined;
  #retryMs = RETRY_MS;
  #closed = false;
  /** Waiting for the sync of every commit made before they asked. */
  #waiters: { made: number; resolve: () => void; reject: (error: unknown) => void }[] = [];
  /**
   * Commits made, writes in them, syncs (failed ones too) and the recoveries among them (the
   * throughput bench and tests read them).
   */
  readonly stats = { commits: 0, writes: 0, syncs: 0, recoveries: 0 };

  constructor(db: Database.Database, options: GroupCommitOptions = {}) {
    this.#db = db;
    this.#sync = options.sync;
    this.#batch = options.batch;
    this.#spacing = options.spacing;
    if (this.#sync) {
      // The connection's own setting (FULL) comes back after each batch, for every other write.
      this.#relaxed = db.prepare('PRAGMA synchronous = NORMAL');
      this.#strict = db.prepare('PRAGMA synchronous = FULL');
    }
  }

  /**
   * Runs `work` in the next batch; resolves with its result once the batch is durable. `deferred`:
   * where `work` puts off writes (see {@link DeferredWrites}).
   */
  run<T>(work: () => T, deferred?: DeferredWrites): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, deferred, resolve: resolve as (value: unknown) => void, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        // After the I/O callbacks of this turn: every frame read in it has queued its write.
        setImmediate(() => this.#flushUnlessSyncing());
      }
    });
  }

  /**
   * Commits what is queued, unless a sync runs: then when it ends, in one transaction with what
   * comes meanwhile. Those writes would wait for the next sync anyway; committed now, they made one
   * small commit per turn, each writing the pages it touched (every inbox and conversation of its
   * writers) to the WAL again, so at half the maximum rate the disk wrote more than at the maximum.
   * Either way, not before the last batch's spacing lets it ({@link #flushWhenDue}).
   */
  #flushUnlessSyncing(): void {
    if (this.#syncing && !this.#closed) this.#heldForSync = true;
    else this.#flushWhenDue();
  }

  /** Commits what is queued now, or when the last batch's {@link #spacing} lets it. */
  #flushWhenDue(): void {
    this.#heldForSync = false;
    const wait = this.#dueAt - performance.now();
    if (wait <= 0 || this.#closed) {
      this.flush();
      return;
    }
    this.#spacingTimer ??= setTimeout(() => this.flush(), wait);
  }

  /** Commits everything queued now (also called on close); the syncs follow. */
  flush(): void {
    clearTimeout(this.#spacingTimer);
    this.#spacingTimer = undefined;
    this.#scheduled = false;
    this.#heldForSync = false;
    const spacing = this.#spacing;
    if (spacing && this.#queue.length > 0) {
      this.#dueAt =
        this.#queue.length >= spacing.minWrites
          ? performance.now() + spacing.intervalMs
          : -Infinity;
    }
    while (this.#queue.length > 0) this.#commit(this.#queue.splice(0, MAX_BATCH));
    this.#startSync();
  }

  /**
   * Resolves once every write committed so far is durable (commits made later do not hold it up):
   * a read that must not show what could still be lost in a power cut waits for it. Rejects
   * ({@link StorageInDoubt}) when the sync it waits for fails.
   */
  settled(): Promise<void> {
    const made = this.#made;
    if (this.#durable >= made) return Promise.resolve();
    return new Promise((resolve, reject) => this.#waiters.push({ made, resolve, reject }));
  }

  /**
   * Commits what is queued and waits for its sync (a recovery, if in doubt), without retrying:
   * whatever is still in doubt after it is left to the caller (the store's closing checkpoint).
   */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    this.#retry = undefined;
    this.flush();
    await this.settled().catch(() => undefined);
  }

  #commit(batch: Job[]): void {
    const db = this.#db;
    const results: unknown[] = [];
    let failedWrite = false;
    /** The deferred writes of the jobs run last, not made yet. */
    let pending: DeferredWrites | undefined;
    this.#relaxed?.run();
    try {
      db.exec('BEGIN IMMEDIATE');
      this.#batch?.begin();
      try {
        for (const job of batch) {
          if (pending !== job.deferred) pending?.flush();
          pending = job.deferred;
          results.push(job.work());
        }
        pending?.flush();
        pending = undefined;
      } catch (error) {
        pending?.discard();
        failedWrite = true;
        throw error;
      }
      this.#batch?.write();
      db.exec('COMMIT');
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      this.#batch?.failed();
      if (!failedWrite) {
        this.#strict?.run();
        for (const job of batch) job.reject(error);
        return;
      }
      for (const job of batch) this.#alone(job);
      this.#strict?.run();
      return;
    }
    this.#batch?.committed();
    this.#strict?.run();
    this.stats.commits += 1;
    this.stats.writes += batch.length;
    batch.forEach((job, index) => this.#committed(job, results[index]));
  }

  /** One write in its own transaction (after a batch that one of its writes failed). */
  #alone(job: Job): void {
    let result: unknown;
    const { work, deferred } = job;
    try {
      result = this.#db
        .transaction(() => {
          try {
            const value = work();
            deferred?.flush();
            return value;
          } catch (error) {
            deferred?.discard();
            throw error;
          }
        })
        .immediate();
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
    if (!this.#sync) this.#durable = this.#made;
    if (this.#sync) this.#unsynced.push({ job, result });
    else job.resolve(result);
  }

  /**
   * Syncs what is committed, unless a sync runs: then the next one takes it when that ends. In
   * doubt, it recovers even with nothing new to sync (the readers waiting need it).
   */
  #startSync(): void {
    const sync = this.#sync;
    if (!sync || this.#syncing) return;
    if (this.#unsynced.length === 0 && (!this.#inDoubt || this.#retry !== undefined)) return;
    clearTimeout(this.#retry);
    this.#retry = undefined;
    const done = this.#unsynced;
    const made = this.#made;
    const recover = this.#inDoubt;
    this.#unsynced = [];
    this.#syncing = true;
    if (recover) this.stats.recoveries += 1;
    sync((error) => {
      this.#syncing = false;
      this.stats.syncs += 1;
      if (error) {
        this.#failed(done, new StorageInDoubt(error));
        if (this.#heldForSync) this.#flushWhenDue();
        return;
      }
      this.#durable = made;
      this.#inDoubt = false;
      this.#retryMs = RETRY_MS;
      for (const { job, result } of done) job.resolve(result);
      const ready = this.#waiters.filter((waiter) => waiter.made <= made);
      this.#waiters = this.#waiters.filter((waiter) => waiter.made > made);
      for (const waiter of ready) waiter.resolve();
      if (this.#heldForSync) this.#flushWhenDue();
      else this.#startSync();
    }, recover);
  }

  /**
   * A sync failed: everything after {@link #durable} is in doubt. Its writers and every reader
   * waiting are refused (a client sends again, a reader asks again); a recovery is tried on a timer
   * (sooner if a write comes), so nothing waits on a write that may never come.
   */
  #failed(done: { job: Job }[], error: StorageInDoubt): void {
    this.#inDoubt = true;
    for (const { job } of done) job.reject(error);
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter.reject(error);
    if (this.#closed) return;
    if (this.#unsynced.length > 0) {
      this.#startSync();
      return;
    }
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      this.#startSync();
    }, this.#retryMs);
    this.#retry.unref();
    this.#retryMs = Math.min(this.#retryMs * 2, RETRY_MAX_MS);
  }
}
