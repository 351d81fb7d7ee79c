/**
 * Who is online: the authenticated sessions of each user, counted per app across every process
 * ({@link SessionCounts}: in memory for one process, in Redis for several). A user's first session
 * opening and last one closing, wherever they are, are told to the sessions of each of their
 * contacts as `presence` (live only). Counting, not guessing from one session's state, keeps two
 * sessions that open or close at the same moment from announcing twice or not at all.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Fanout } from './fanout.js';

/** The usernames whose sessions hear about `username` (their contacts). */
export type Audience = (appKey: string, username: string) => Promise<string[]>;

/** Sessions per user, summed over the processes of the service. */
export interface SessionCounts {
  /**
   * Adds `delta` to this process's count for the user; resolves to the user's total after it, or
   * to `undefined` when it was counted with the rest of a process swept while alive (whose users
   * are announced again together: {@link Presence.regained}).
   */
  add(appKey: string, username: string, delta: 1 | -1): Promise<number | undefined>;
  /** The users' totals, in the order given. */
  totals(appKey: string, usernames: string[]): Promise<number[]>;
}

/** One process: the counts are this map. */
export class LocalSessionCounts implements SessionCounts {
  readonly #counts = new Map<string, number>();

  async add(appKey: string, username: string, delta: 1 | -1): Promise<number> {
    const k = key(appKey, username);
    const count = Math.max(0, (this.#counts.get(k) ?? 0) + delta);
    if (count === 0) this.#counts.delete(k);
    else this.#counts.set(k, count);
    return count;
  }

  async totals(appKey: string, usernames: string[]): Promise<number[]> {
    return usernames.map((username) => this.#counts.get(key(appKey, username)) ?? 0);
  }
}

export class Presence {
  /** Per user, the change in flight: the next one waits for it, so they count and announce in order. */
  readonly #pending = new Map<string, Promise<void>>();
  readonly #counts: SessionCounts;
  readonly #fanout: Fanout;
  readonly #audience: Audience;
  readonly #log: FastifyBaseLogger;

  constructor(counts: SessionCounts, fanout: Fanout, audience: Audience, log: FastifyBaseLogger) {
    this.#counts = counts;
    this.#fanout = fanout;
    this.#audience = audience;
    this.#log = log;
  }

  /** Which of `usernames` have at least one authenticated session now, in any process. */
  async online(appKey: string, usernames: string[]): Promise<Set<string>> {
    await Promise.all(usernames.map((username) => this.#pending.get(key(appKey, username))));
    const totals = await this.#counts.totals(appKey, usernames);
    return new Set(usernames.filter((_, index) => (totals[index] ?? 0) > 0));
  }

  /** A session of the user authenticated; the user's first one anywhere is announced. */
  opened(appKey: string, username: string): void {
    this.#change(appKey, username, 1);
  }

  /** An authenticated session of the user closed (once per `opened`); the last one is announced. */
  closed(appKey: string, username: string): void {
    this.#change(appKey, username, -1);
  }

  /**
   * A user whose sessions were in a process that died has lost them: announced offline when no
   * session of theirs is left anywhere (the process registry finds the dead process).
   */
  lost(appKey: string, username: string, total: number): Promise<void> {
    if (total !== 0) return Promise.resolve();
    return this.#enqueue(appKey, username, () => this.#announce(appKey, username, false));
  }

  /**
   * A process that was taken for dead (it stalled) and swept counts its sessions again: a user it
   * counted alone was announced offline by the sweep, and is online again while they still are.
   */
  regained(appKey: string, username: string): Promise<void> {
    return this.#enqueue(appKey, username, async () => {
      const [total = 0] = await this.#counts.totals(appKey, [username]);
      if (total > 0) await this.#announce(appKey, username, true);
    });
  }

  #change(appKey: string, username: string, delta: 1 | -1): void {
    this.#enqueue(appKey, username, async () => {
      const total = await this.#counts.add(appKey, username, delta);
      if (delta === 1 && total === 1) await this.#announce(appKey, username, true);
      if (delta === -1 && total === 0) await this.#announce(appKey, username, false);
    });
  }

  #enqueue(appKey: string, username: string, work: () => Promise<void>): Promise<void> {
    const k = key(appKey, username);
    const previous = this.#pending.get(k) ?? Promise.resolve();
    const current = previous
      .then(work)
      .catch((error: unknown) => this.#log.error({ err: error }, 'presence change failed'));
    this.#pending.set(k, current);
    void current.then(() => {
      if (this.#pending.get(k) === current) this.#pending.delete(k);
    });
    return current;
  }

  async #announce(appKey: string, user: string, online: boolean): Promise<void> {
    const time = Date.now();
    for (const contact of await this.#audience(appKey, user)) {
      await this.#fanout.toUser(appKey, contact, {
        kind: 'presence',
        frame: { t: 'presence', user, online, time },
      });
    }
  }
}

export const key = (appKey: string, username: string) => `${appKey}\n${username}`;
