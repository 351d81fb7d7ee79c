/**
 * The authenticated sessions of each user in this process, oldest first, so a login past the app's
 * `maxSessionsPerUser` kicks the oldest (a user with 200 idle tabs or a script opening sockets in a
 * loop holds at most that many). Counted per process, like presence.
 */
import type { Session, SessionRegistry } from './session.js';

export class UserSessions implements SessionRegistry {
  readonly #byUser = new Map<string, Session[]>();
  readonly #keys = new WeakMap<Session, string>();

  opened(session: Session, appKey: string, username: string, max: number): Session[] {
    const key = `${appKey}\n${username}`;
    this.#keys.set(session, key);
    const sessions = this.#byUser.get(key) ?? [];
    sessions.push(session);
    this.#byUser.set(key, sessions);
    // The surplus leaves the list now; `closed` will not find them again.
    return sessions.length > max ? sessions.splice(0, sessions.length - max) : [];
  }

  closed(session: Session): void {
    const key = this.#keys.get(session);
    if (key === undefined) return;
    const sessions = this.#byUser.get(key);
    const index = sessions?.indexOf(session) ?? -1;
    if (sessions && index >= 0) sessions.splice(index, 1);
    if (sessions?.length === 0) this.#byUser.delete(key);
  }
}
