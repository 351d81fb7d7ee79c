/**
 * Who is online: the authenticated sessions of each user, counted per app. A user's first session
 * opening and last one closing are told to the sessions of each of their contacts as `presence`
 * (live only). Counting, not guessing from one session's state, keeps two sessions that open or
 * close at the same moment from announcing twice or not at all.
 *
 * The counts live in this process: with several gateway processes behind one bus, each would
 * count only its own sessions (a shared registry is for that adapter to provide).
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Fanout } from './fanout.js';

/** The usernames whose sessions hear about `username` (their contacts). */
export type Audience = (appKey: string, username: string) => Promise<string[]>;

export class Presence {
  readonly #counts = new Map<string, number>();
  /** Per user, the announcement in flight: the next one waits for it, so they arrive in order. */
  readonly #announcing = new Map<string, Promise<void>>();
  readonly #fanout: Fanout;
  readonly #audience: Audience;
  readonly #log: FastifyBaseLogger;

  constructor(fanout: Fanout, audience: Audience, log: FastifyBaseLogger) {
    this.#fanout = fanout;
    this.#audience = audience;
    this.#log = log;
  }

  /** Which of `usernames` have at least one authenticated session now. */
  async online(appKey: string, usernames: string[]): Promise<Set<string>> {
    return new Set(
      usernames.filter((username) => (this.#counts.get(key(appKey, username)) ?? 0) > 0),
    );
  }

  /** A session of the user authenticated; the first one is announced. */
  opened(appKey: string, username: string): void {
    const k = key(appKey, username);
    const count = (this.#counts.get(k) ?? 0) + 1;
    this.#counts.set(k, count);
    if (count === 1) this.#announce(appKey, username, true);
  }

  /** An authenticated session of the user closed (call once per `opened`); the last is announced. */
  closed(appKey: string, username: string): void {
    const k = key(appKey, username);
    const count = (this.#counts.get(k) ?? 0) - 1;
    if (count > 0) {
      this.#counts.set(k, count);
      return;
    }
    this.#counts.delete(k);
    this.#announce(appKey, username, false);
  }

  #announce(appKey: string, user: string, online: boolean): void {
    const k = key(appKey, user);
    const time = Date.now();
    const previous = this.#announcing.get(k) ?? Promise.resolve();
    const current = previous
      .then(async () => {
        for (const contact of await this.#audience(appKey, user)) {
          await this.#fanout.toUser(appKey, contact, {
            kind: 'presence',
            frame: { t: 'presence', user, online, time },
          });
        }
      })
      .catch((error: unknown) => this.#log.error({ err: error }, 'presence announcement failed'));
    this.#announcing.set(k, current);
    void current.then(() => {
      if (this.#announcing.get(k) === current) this.#announcing.delete(k);
    });
  }
}

const key = (appKey: string, username: string) => `${appKey}\n${username}`;
