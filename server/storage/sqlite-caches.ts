/**
 * What the SQLite store keeps in memory between statements (issue 11), and how it knows when that
 * is no longer true. Only on SQLite: one connection writes, so it can tell every write apart. (On
 * PostgreSQL several processes write, and nothing is cached.)
 *
 * {@link WriteWatch} says whether anything was written since the caches last looked: by this
 * connection (`total_changes()`), or by another one, such as the CLI or a second process on the
 * same file (`PRAGMA data_version`). Both are looked at before every read of a cache and before
 * every group commit: two statements that read no table, a fraction of the lookups they replace.
 * Any such write empties every cache; they fill again from the database.
 *
 * The group commit's writes are the exception: they store messages, events and cursors, never what
 * a cache holds (users, blocklists), and they keep {@link SeqHeads} themselves, so after each batch
 * the watch takes its new count as seen ({@link WriteWatch.seen}).
 */
import type Database from 'better-sqlite3';
import type { UserRecord } from './storage.js';

/** Entries a lookup cache holds at most; past it, the oldest go first. */
const MAX_ENTRIES = 20_000;

export class WriteWatch {
  readonly #changes: Database.Statement<[], number>;
  readonly #version: Database.Statement<[], number>;
  readonly #clears: (() => void)[] = [];
  #seenChanges: number;
  #seenVersion: number;
  /** {@link #versionThisTurn} read the version in this turn: it is {@link #seenVersion}. */
  #versionRead = false;

  constructor(db: Database.Database) {
    this.#changes = db.prepare<[], number>('SELECT total_changes()').pluck();
    this.#version = db.prepare<[], number>('PRAGMA data_version').pluck();
    this.#seenChanges = this.#changes.get() ?? 0;
    this.#seenVersion = this.#version.get() ?? 0;
  }

  /** `clear` empties a cache; it runs whenever a write the cache did not see is found. */
  watch(clear: () => void): void {
    this.#clears.push(clear);
  }

  /**
   * Empties every cache if anything was written since the last look. Another connection's writes
   * are looked for once per turn ({@link #versionThisTurn}), or now with `now` (the seq heads,
   * before a batch: a seq another process took in this turn must not be taken again).
   */
  check(now = false): void {
    const changes = this.#changes.get() ?? 0;
    const version = now ? (this.#version.get() ?? 0) : this.#versionThisTurn();
    if (changes === this.#seenChanges && version === this.#seenVersion) return;
    this.#seenChanges = changes;
    this.#seenVersion = version;
    for (const clear of this.#clears) clear();
  }

  /**
   * `PRAGMA data_version`, read once per turn of the event loop: on a WAL file it takes the shared
   * WAL index's lock (about 1.7 µs here, against 0.07 µs for `total_changes()`), and every message
   * looked up a user or a blocklist three times (issue 11). Another connection's write lands at no
   * particular moment, so seeing it at the next turn instead of at the next lookup changes nothing
   * a client can tell; this connection's own writes are still seen at once, by `total_changes()`.
   */
  #versionThisTurn(): number {
    if (this.#versionRead) return this.#seenVersion;
    this.#versionRead = true;
    setImmediate(() => (this.#versionRead = false));
    return this.#version.get() ?? 0;
  }

  /** The writes made since the last {@link check} changed nothing any cache holds. */
  seen(): void {
    this.#seenChanges = this.#changes.get() ?? 0;
  }

  /** Empties every cache (a write whose outcome is unknown, such as a rolled-back batch). */
  clear(): void {
    this.#seenChanges = this.#changes.get() ?? 0;
    for (const clear of this.#clears) clear();
  }
}

/** A bounded map from a key to what one read answered (a missing user is cached too). */
class Lookup<V> {
  readonly #entries = new Map<string, V>();

  get(key: string, read: () => V): V {
    if (this.#entries.has(key)) return this.#entries.get(key) as V;
    const value = read();
    if (this.#entries.size >= MAX_ENTRIES) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, value);
    return value;
  }

  clear(): void {
    this.#entries.clear();
  }
}

/** Users by app and name, and who blocks whom: what every 1:1 message looks up before storing. */
export class LookupCache {
  readonly #watch: WriteWatch;
  readonly #users = new Lookup<UserRecord | undefined>();
  readonly #blocks = new Lookup<boolean>();

  constructor(watch: WriteWatch) {
    this.#watch = watch;
    watch.watch(() => {
      this.#users.clear();
      this.#blocks.clear();
    });
  }

  /** The user (a copy: callers may change it), read through `read` when not known. */
  user(appKey: string, username: string, read: () => UserRecord | undefined) {
    this.#watch.check();
    const user = this.#users.get(`${appKey}\n${username}`, read);
    return user && { ...user };
  }

  /** Whether `blocker` blocks `blocked`, read through `read` when not known. */
  blocks(appKey: string, blocker: string, blocked: string, read: () => boolean): boolean {
    this.#watch.check();
    return this.#blocks.get(`${appKey}\n${blocker}\n${blocked}`, read);
  }
}

/**
 * Each user's last seq (`users.last_seq`), kept in memory while group commits take seqs: a seq is
 * then a map update, and each batch writes each user's new head once, before its COMMIT, instead of
 * an `UPDATE … RETURNING` per seq. A batch that rolls back forgets every head (they are read again
 * from the database), so a failed commit leaves no gap and reuses no number. Outside a batch, seqs
 * are taken in the database as before, and the watch forgets the heads at the next batch.
 */
export class SeqHeads {
  readonly #watch: WriteWatch;
  readonly #read: Database.Statement<[string, string], number>;
  readonly #write: Database.Statement<[number, string, string]>;
  readonly #heads = new Map<string, number>();
  /** Heads taken in the running batch: written before it commits. */
  readonly #dirty = new Map<string, { appKey: string; username: string }>();
  #inBatch = false;

  constructor(db: Database.Database, watch: WriteWatch) {
    this.#watch = watch;
    this.#read = db
      .prepare<[string, string], number>(
        'SELECT last_seq FROM users WHERE app_key = ? AND username = ?',
      )
      .pluck();
    this.#write = db.prepare<[number, string, string]>(
      'UPDATE users SET last_seq = ? WHERE app_key = ? AND username = ?',
    );
    watch.watch(() => this.#heads.clear());
  }

  /** Whether a batch is running: seqs come from {@link take}. */
  get inBatch(): boolean {
    return this.#inBatch;
  }

  /** A group commit's batch begins (inside its transaction). */
  begin(): void {
    this.#watch.check(true);
    this.#inBatch = true;
  }

  /** The next seq of the user's inbox, in the running batch. */
  take(appKey: string, username: string): number {
    const key = `${appKey}\n${username}`;
    let head = this.#heads.get(key);
    if (head === undefined) {
      head = this.#read.get(appKey, username);
      if (head === undefined) throw new Error(`no user ${username} in ${appKey}`);
    }
    head += 1;
    this.#heads.set(key, head);
    if (!this.#dirty.has(key)) this.#dirty.set(key, { appKey, username });
    return head;
  }

  /** Writes the batch's heads (inside its transaction, before COMMIT). */
  write(): void {
    for (const [key, { appKey, username }] of this.#dirty) {
      this.#write.run(this.#heads.get(key) as number, appKey, username);
    }
  }

  /** The batch committed: its heads are the database's. */
  committed(): void {
    this.#dirty.clear();
    this.#inBatch = false;
    this.#watch.seen();
  }

  /** The batch rolled back: every head is read again. */
  failed(): void {
    this.#dirty.clear();
    this.#inBatch = false;
    this.#heads.clear();
    this.#watch.clear();
  }
}
