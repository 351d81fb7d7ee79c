/**
 * The PostgreSQL connection pool (node-postgres) and the one way to write: {@link PgDatabase.tx},
 * a READ COMMITTED transaction that takes its row locks explicitly and is run again from the start
 * when PostgreSQL breaks a deadlock or a serialization conflict (the work must be safe to repeat:
 * it only talks to the database). Writes that arrive together (1:1, group and room messages,
 * receipts, events into inboxes) share one transaction, and so one commit and one flush to disk
 * ({@link PgDatabase.batched}: group commit).
 */
import pg from 'pg';
import { StorageUnavailable } from './storage.js';

/** What the storage methods run their statements on: the pool, or a client inside a transaction. */
export interface Queryable {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/**
 * Failures that mean the server cannot be reached or went away (class 08 connection exceptions,
 * 57P0x shutdowns, socket errors, the pool's connect timeout), not a problem with the statement.
 */
function unreachable(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (/^08/.test(code) || /^57P0[1-3]$/.test(code))) return true;
  if (
    typeof code === 'string' &&
    /^E(CONNREFUSED|CONNRESET|HOSTUNREACH|NOTFOUND|TIMEDOUT|PIPE|AI_AGAIN)$/.test(code)
  ) {
    return true;
  }
  return (
    typeof message === 'string' &&
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(
      message,
    )
  );
}

/** Rethrows a connection failure as {@link StorageUnavailable}, anything else as it is. */
function translate(error: unknown): never {
  throw unreachable(error) ? new StorageUnavailable(error) : error;
}

/** 40001 serialization_failure, 40P01 deadlock_detected: the transaction may simply run again. */
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 8;

/**
 * BIGINT (int8) and count(*) come back as JavaScript numbers: every one we store is a time in ms,
 * a seq or a row id, far below 2^53.
 */
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * What a batched work locks, which the batch locks before any work runs: users, and groups it fans
 * out to, whose rows it holds FOR SHARE and whose members it locks as users.
 */
export interface BatchLocks {
  appKey: string;
  usernames: string[];
  groups?: string[];
}

interface Batched {
  locks: BatchLocks;
  /** The users and groups it writes (see {@link lockKeys}): who orders it after whom. */
  keys: string[];
  work: (client: Queryable) => Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** One batch being formed or run, and the keys of its works. */
interface Batch {
  works: Batched[];
  keys: Set<string>;
}

/** A batched work's keys: its app's users and groups (a group's id is all digits, a name is not). */
const lockKeys = ({ appKey, usernames, groups = [] }: BatchLocks) => [
  ...new Set([
    ...usernames.map((name) => `${appKey}\nu\n${name}`),
    ...groups.map((gid) => `${appKey}\ng\n${gid}`),
  ]),
];

/** Works in one batch at most. */
const BATCH_SIZE = 64;

/** Thrown inside a batch's transaction to roll it back because one of its works failed. */
class WorkFailed extends Error {}

export class PgDatabase {
  readonly pool: pg.Pool;
  readonly #prepare: (db: PgDatabase) => Promise<void>;
  #prepared: Promise<void> | undefined;
  #queue: Batched[] = [];
  /**
   * Batches at once: half the pool's connections, so sends run side by side, and those that find
   * every batch busy share the next one. The other half answers the reads that come before a write
   * (is the recipient there, blocked?): taken by batches, a session's next send could not be queued
   * until a batch committed, and each batch would hold one message.
   */
  readonly #maxBatches: number;
  #batches = 0;
  #flushing = false;
  /** The keys of the batches running now: a work with one of them waits for its batch's commit. */
  readonly #busy = new Set<string>();

  /**
   * `prepare` (the schema migration) runs before the first statement, and again on the next one
   * if it failed (PostgreSQL was unreachable at start, say): no query runs on a stale schema.
   */
  constructor(
    url: string,
    prepare: (db: PgDatabase) => Promise<void>,
    options: { max?: number } = {},
  ) {
    this.#prepare = prepare;
    this.#maxBatches = Math.max(1, Math.floor((options.max ?? 10) / 2));
    this.pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 10,
      types,
      // An unreachable server must fail a request, not hang it.
      connectionTimeoutMillis: 5000,
      application_name: 'openwebim',
    });
    // An idle client whose server went away emits here; without a listener the process would die.
    this.pool.on('error', () => {});
  }

  /** Resolves once the schema is ready (creating or migrating it the first time). */
  ready(): Promise<void> {
    if (!this.#prepared) {
      const prepared = this.#prepare(this).catch(translate);
      this.#prepared = prepared;
      prepared.catch(() => {
        if (this.#prepared === prepared) this.#prepared = undefined;
      });
    }
    return this.#prepared;
  }

  async query<R extends pg.QueryResultRow>(text: string, values?: unknown[]) {
    await this.ready();
    return this.pool.query<R>(text, values).catch(translate);
  }

  /** Runs `work` in one transaction, again from the start after a deadlock or conflict. */
  async tx<T>(work: (client: Queryable) => Promise<T>): Promise<T> {
    await this.ready();
    return this.transaction(work);
  }

  /**
   * Runs `work` in a transaction shared with the other batched works that arrive meanwhile (group
   * commit: one commit, one WAL flush for all of them), and resolves only once that transaction
   * committed: what it wrote is on disk. The batch locks every work's users first, in one order
   * (by app, then username, as {@link lockUsers} does), so batches cannot deadlock each other. A
   * work that fails rolls the whole transaction back; it is run again without that work, which
   * alone gets its error (the others are neither lost nor answered before their commit).
   *
   * Works that share a user or a group take effect in the order of their calls (seqs included),
   * even while the earlier ones still wait for their commit (`Storage.ordersWrites`): a work
   * is queued at the call, and never runs beside, or before, an earlier one it shares a key with.
   */
  batched<T>(locks: BatchLocks, work: (client: Queryable) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const item = { locks, keys: lockKeys(locks), work, reject };
      this.#queue.push({ ...item, resolve: resolve as (value: unknown) => void });
      // The schema first (a no-op once it is ready); the queue keeps the calls' order meanwhile.
      this.ready().then(
        () => this.#schedule(),
        (error: unknown) => {
          this.#queue = this.#queue.filter((queued) => queued.work !== work);
          reject(error);
        },
      );
    });
  }

  /** Starts batches on the next turn of the event loop: works that arrive together go together. */
  #schedule(): void {
    if (this.#flushing || this.#batches >= this.#maxBatches || this.#queue.length === 0) return;
    this.#flushing = true;
    setImmediate(() => {
      this.#flushing = false;
      for (const batch of this.#take()) {
        this.#batches += 1;
        void this.#run(batch.works).finally(() => {
          this.#batches -= 1;
          for (const key of batch.keys) this.#busy.delete(key);
          this.#schedule();
        });
      }
    });
  }

  /**
   * Takes the queued works that may run now, in batches for the free connections: spread over them
   * (side by side first, together only past that), each batch at most {@link BATCH_SIZE}. A work
   * that shares a key with a running batch, or with a queued work left behind, stays queued; one
   * that shares keys with a batch being formed goes into that batch, after the works before it.
   * Batches running at once so share no key, and works that share one run in their calls' order.
   */
  #take(): Batch[] {
    const free = this.#maxBatches - this.#batches;
    const batches: Batch[] = [];
    const owner = new Map<string, Batch>();
    const behind = new Set<string>();
    const left: Batched[] = [];
    for (const item of this.#queue) {
      let target: Batch | undefined;
      let runs = true;
      for (const key of item.keys) {
        const batch = owner.get(key);
        if (this.#busy.has(key) || behind.has(key) || (batch && target && batch !== target)) {
          runs = false;
          break;
        }
        target ??= batch;
      }
      if (runs && !target) {
        if (batches.length < free) batches.push((target = { works: [], keys: new Set() }));
        else target = batches.reduce((a, b) => (b.works.length < a.works.length ? b : a));
      }
      if (!runs || !target || target.works.length >= BATCH_SIZE) {
        left.push(item);
        for (const key of item.keys) behind.add(key);
        continue;
      }
      target.works.push(item);
      for (const key of item.keys) {
        owner.set(key, target);
        target.keys.add(key);
      }
    }
    this.#queue = left;
    for (const batch of batches) for (const key of batch.keys) this.#busy.add(key);
    return batches;
  }

  async #run(batch: Batched[]): Promise<void> {
    let pending = batch;
    while (pending.length > 0) {
      let failed: { item: Batched; error: unknown } | undefined;
      let results: unknown[];
      try {
        results = await this.transaction(async (client) => {
          failed = undefined;
          // Every work's locks, first and in one order: the works need not lock them again.
          await lockAll(client, pending);
          const out = [];
          for (const item of pending) {
            try {
              out.push(await item.work(client));
            } catch (error) {
              const code = (error as { code?: unknown }).code;
              // The connection, or a conflict: the whole transaction fails (or runs again).
              if (unreachable(error) || (typeof code === 'string' && RETRYABLE.has(code))) {
                throw error;
              }
              failed = { item, error };
              throw new WorkFailed();
            }
          }
          return out;
        });
      } catch (error) {
        if (error instanceof WorkFailed && failed) {
          const { item, error: cause } = failed;
          item.reject(cause);
          pending = pending.filter((other) => other !== item);
          continue;
        }
        for (const item of pending) item.reject(error);
        return;
      }
      pending.forEach((item, index) => item.resolve(results[index]));
      return;
    }
  }

  /** {@link tx} without waiting for the schema: for the migration itself. */
  async transaction<T>(work: (client: Queryable) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect().catch(translate);
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollback: Error) => {
          broken = rollback;
        });
        const code = (error as { code?: unknown }).code;
        if (typeof code === 'string' && RETRYABLE.has(code) && attempt < MAX_ATTEMPTS) {
          // A little random wait, so the two transactions that collided do not collide again.
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
          continue;
        }
        translate(error);
      } finally {
        client.release(broken);
      }
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/** The first row, or `undefined`. */
export async function one<R extends pg.QueryResultRow>(
  db: Queryable,
  text: string,
  values: unknown[],
): Promise<R | undefined> {
  return (await db.query<R>(text, values)).rows[0];
}

/** Every row. */
export async function all<R extends pg.QueryResultRow>(
  db: Queryable,
  text: string,
  values: unknown[],
): Promise<R[]> {
  return (await db.query<R>(text, values)).rows;
}

/** How many rows the statement changed. */
export async function run(db: Queryable, text: string, values: unknown[]): Promise<number> {
  return (await db.query(text, values)).rowCount ?? 0;
}

/**
 * Locks the users' rows, in one order for everyone (so two transactions cannot each hold one the
 * other waits for). Every write that gives a user a seq holds that user's lock until it commits:
 * seqs are then handed out in commit order, one by one, with no gap.
 */
export async function lockUsers(db: Queryable, appKey: string, usernames: string[]) {
  if (usernames.length === 0) return;
  await db.query(
    `SELECT 1 FROM users WHERE app_key = $1 AND username = ANY($2::text[])
     ORDER BY username FOR UPDATE`,
    [appKey, [...new Set(usernames)]],
  );
}

/**
 * Locks what every work of a batch locks, by app: its groups first (FOR SHARE, by id), then its
 * users and those groups' members (by username). A group's change takes the group, then users,
 * in the same order, so a batch and a change wait for each other but never deadlock.
 */
async function lockAll(db: Queryable, batch: { locks: BatchLocks }[]) {
  const byApp = new Map<string, { users: string[]; groups: string[] }>();
  for (const { locks } of batch) {
    const app = byApp.get(locks.appKey) ?? { users: [], groups: [] };
    app.users.push(...locks.usernames);
    app.groups.push(...(locks.groups ?? []));
    byApp.set(locks.appKey, app);
  }
  for (const appKey of [...byApp.keys()].sort()) {
    const { users, groups } = byApp.get(appKey)!;
    if (groups.length > 0) {
      const ids = [...new Set(groups)];
      await db.query(
        `SELECT 1 FROM chat_groups WHERE app_key = $1 AND id = ANY($2::text[])
         ORDER BY id FOR SHARE`,
        [appKey, ids],
      );
      const members = await all<{ username: string }>(
        db,
        'SELECT username FROM group_members WHERE app_key = $1 AND gid = ANY($2::text[])',
        [appKey, ids],
      );
      users.push(...members.map((row) => row.username));
    }
    await lockUsers(db, appKey, users);
  }
}

/** The user's next seq (the caller holds the user's lock). */
export async function nextSeq(db: Queryable, appKey: string, username: string): Promise<number> {
  const row = await one<{ last_seq: number }>(
    db,
    `UPDATE users SET last_seq = last_seq + 1 WHERE app_key = $1 AND username = $2
     RETURNING last_seq`,
    [appKey, username],
  );
  if (!row) throw new Error(`no user ${username} in ${appKey}`);
  return row.last_seq;
}
