/**
 * Visitors of a site and the team answering them (issue 9): user attributes (a visitor's display
 * name and e-mail, through the SDK's `updateOwnUserInfo` / `fetchUserInfoById`) and what the team's
 * inbox shows of each visitor: those attributes and the page the visitor wrote from first (the
 * `VisitorExt` keys of their first message's ext, read from the messages stored here).
 */
import {
  type Observable,
  asyncScheduler,
  combineLatest,
  distinctUntilChanged,
  filter,
  from,
  map,
  of,
  startWith,
  switchMap,
  throttleTime,
  catchError,
} from 'rxjs';
import { type UserMetadata, VisitorExt } from '../protocol/index.js';
import { saveProfile } from './database.js';
import { toChatError } from './errors.js';
import { liveQuery } from './live-query.js';
import { conversationRange } from './messages-repo.js';
import type { Session } from './session.js';
import { type StoreCore, quietly } from './store-core.js';
import type { UserDetails, VisitorInfo } from './types.js';

/** Attributes are asked for again at most this often per visitor while messages keep coming. */
const REFRESH_MS = 5000;

/** The page a conversation's peer wrote from first, from the messages stored here. */
async function firstPage(session: Session, peer: string): Promise<VisitorInfo> {
  const index = session.db.transaction('messages').store.index('by-conversation-time');
  let cursor = await index.openCursor(conversationRange(peer));
  while (cursor) {
    const { from: sender, ext } = cursor.value;
    const page = ext?.[VisitorExt.page];
    if (sender === peer && typeof page === 'string') {
      const title = ext?.[VisitorExt.pageTitle];
      return typeof title === 'string' ? { page, pageTitle: title } : { page };
    }
    cursor = await cursor.continue();
  }
  return {};
}

const sameInfo = (a: VisitorInfo, b: VisitorInfo) =>
  a.nickname === b.nickname &&
  a.mail === b.mail &&
  a.page === b.page &&
  a.pageTitle === b.pageTitle;

export class Visitors {
  constructor(private readonly core: StoreCore) {}

  /**
   * Attributes of users, by username, with whether each is online now; users the server does not
   * know are absent. Rejects with a ChatError.
   */
  async userInfo(usernames: string[]): Promise<Record<string, UserDetails>> {
    const session = this.core.requireSession();
    try {
      const { data, online } = await session.connection.fetchUserInfoById(usernames);
      const result: Record<string, UserDetails> = {};
      for (const [name, attributes] of Object.entries(data))
        result[name] = { ...attributes, online: online[name] === true };
      return result;
    } catch (error) {
      throw toChatError(error);
    }
  }

  /** Sets my attributes; a new nickname shows as my name at once. Rejects with a ChatError. */
  async updateOwnInfo(info: UserMetadata): Promise<void> {
    const session = this.core.requireSession();
    let data: UserMetadata;
    try {
      ({ data } = await session.connection.updateOwnUserInfo(info));
    } catch (error) {
      throw toChatError(error);
    }
    const user = this.core.user.value;
    if (data.nickname && user && this.core.shown.value === session) {
      const profile = { ...user, nickname: data.nickname };
      await this.core.whileOpen(() => saveProfile(session.db, profile));
      this.core.user.next(profile);
    }
  }

  /** See `ChatStoreApi.visitor$`. */
  visitor$(username: string): Observable<VisitorInfo> {
    const core = this.core;
    return core.shown.pipe(
      switchMap((session) => {
        if (!session) return of<VisitorInfo>({});
        const changes = core.changes.pipe(filter((c) => c.conversationId === username));
        const page = liveQuery(changes, () => quietly(() => firstPage(session, username)));
        const attributes = changes.pipe(
          startWith(null),
          throttleTime(REFRESH_MS, asyncScheduler, { leading: true, trailing: true }),
          switchMap(() =>
            from(session.connection.fetchUserInfoById([username])).pipe(
              map(({ data }) => data[username] ?? {}),
              // Offline, or not allowed: the inbox shows what it has.
              catchError(() => of<UserMetadata>({})),
            ),
          ),
          startWith<UserMetadata>({}),
        );
        return combineLatest([page, attributes]).pipe(
          map(([where, { nickname, mail }]) => {
            const info: VisitorInfo = { ...where };
            if (nickname) info.nickname = nickname;
            if (mail) info.mail = mail;
            return info;
          }),
        );
      }),
      distinctUntilChanged(sameInfo),
    );
  }
}
